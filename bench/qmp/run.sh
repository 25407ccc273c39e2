#!/bin/sh
# bench/qmp: time from exec to the QMP greeting (starts that only greet and
# quit) and the median query-status round trip (1000 calls per run, in runs
# of their own), for vireo-vmm and qemu-system-x86_64 in the same run, with
# the ratios; also the greeting time of the round-trip runs (see
# qmp-bench.c). Targets (docs/qmp.md): ready in under a tenth of QEMU's
# time, round trip under half of QEMU's.
# The ready figures are medians of back-to-back starts of one VMM (each
# start warm from the one before). A "cold" line follows: starts after
# 0.1 s of idle, alternating vireo-vmm and QEMU (VIREO_BENCH_COLD rounds,
# 10; 0 skips it), the median of the rounds' ratios. Here a cold vireo-vmm
# start takes ~1.5-2x a warm one, QEMU's ~the same (docs/performance.md).
# usage: run.sh BUILDDIR   (make bench)
# VIREO_BENCH_SPLIT=1 adds a "split" line: the median time from exec to each
# of vireo-vmm's start-up checkpoints (docs/design.md, "Start-up").
set -u
build=${1:-$(pwd)}
src=$(cd "$(dirname "$0")/../.." && pwd)
bench=$build/bench/qmp/qmp-bench
runs=${VIREO_BENCH_RUNS:-20}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

measure() {     # measure LABEL RUNS COMMAND...: prints "LABEL ready_us=.. rtt_us=.. rss_kib=.."
    label=$1; n=$2; shift 2
    if out=$("$bench" "$n" 1000 -- "$@" 2>"$tmp/err"); then
        echo "$label $out"
    else
        echo "$label unavailable: $(cat "$tmp/err")"
    fi
}
field() { sed -n "s/.*$2=\([0-9.]*\).*/\1/p" "$1"; }

vmm=${VIREO_VMM:-$build/src/vireo-vmm}
guest=$build/tests/guest/hello.elf
sed -e "s|@KERNEL@|$guest|" "$src/tests/qmp/ticker.xml" >"$tmp/d.xml"
# with_vireo / with_qemu CMD...: CMD followed by the VMM's command line.
with_vireo() { "$@" "$vmm" --domain "$tmp/d.xml" --paused --qmp unix:SOCK; }
with_qemu() {
    "$@" qemu-system-x86_64 -S -nodefaults -machine pc,accel=kvm -m 128 -display none \
        -qmp unix:SOCK,server=on,wait=off
}
cold_ready() { "$@" 2>/dev/null | sed -n 's/.*ready_us=\([0-9.]*\).*/\1/p'; }
with_vireo measure vireo-vmm "$runs" | tee "$tmp/vireo"
with_qemu measure qemu 10 | tee "$tmp/qemu"
cold=${VIREO_BENCH_COLD:-10}
: >"$tmp/cold"
i=0
while [ $i -lt "$cold" ]; do
    sleep 0.1
    v=$(with_vireo cold_ready "$bench" 1 0 --)
    sleep 0.1
    q=$(with_qemu cold_ready "$bench" 1 0 --)
    [ -n "$v" ] && [ -n "$q" ] && echo "$v $q" >>"$tmp/cold"
    i=$((i + 1))
done
vr=$(field "$tmp/vireo" ready_us); qr=$(field "$tmp/qemu" ready_us)
vt=$(field "$tmp/vireo" rtt_us); qt=$(field "$tmp/qemu" rtt_us)
vb=$(field "$tmp/vireo" ready_busy_us); qb=$(field "$tmp/qemu" ready_busy_us)
vf=$(field "$tmp/vireo" first_us); qf=$(field "$tmp/qemu" first_us)
if [ -n "$vr" ] && [ -n "$qr" ] && [ -n "$vt" ] && [ -n "$qt" ]; then
    awk -v vr="$vr" -v qr="$qr" -v vt="$vt" -v qt="$qt" -v vb="$vb" -v qb="$qb" -v vf="$vf" -v qf="$qf" 'BEGIN {
        printf "ready: vireo-vmm %.1f ms, qemu %.1f ms, ratio %.3f (target < 0.1)\n", vr / 1000, qr / 1000, vr / qr;
        printf "first reply (exec -> reply to qmp_capabilities): vireo-vmm %.1f ms, qemu %.1f ms, ratio %.3f\n", vf / 1000, qf / 1000, vf / qf;
        printf "ready after 1000 round trips (qmp-bench.c): vireo-vmm %.1f ms, qemu %.1f ms, ratio %.3f\n", vb / 1000, qb / 1000, vb / qb;
        printf "query-status round trip: vireo-vmm %.1f us, qemu %.1f us, ratio %.3f (target < 0.5)\n", vt, qt, vt / qt }'
else
    echo "ratios: not computed (a target did not run)"
fi
if [ -s "$tmp/cold" ]; then
    awk '{ printf "%.4f %s %s\n", $1 / $2, $1, $2 }' "$tmp/cold" | sort -n | awk '
        { r[NR] = $1; v[NR] = $2; q[NR] = $3 }
        END { m = int((NR + 1) / 2);
              printf "ready, cold (each start after 0.1 s idle, %d rounds): median ratio %.3f (%.3f-%.3f); vireo-vmm %.1f ms, qemu %.1f ms in that round\n",
                     NR, r[m], r[1], r[NR], v[m] / 1000, q[m] / 1000 }'
fi
