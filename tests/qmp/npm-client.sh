#!/bin/sh
# TAP: a third-party QMP client, npm's qemu-qmp (installed by this test into
# the build tree), drives QEMU 7.2 (as the reference) and vireo-vmm with a
# paused ticker guest.
set -u
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${abs_top_builddir:-$(pwd)}
cache=$build/tests/qmp/npm-cache
pkg=qemu-qmp@0.5.0
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "1..0 # SKIP node/npm is not installed"; exit 0
fi
if [ ! -f "$cache/node_modules/qemu-qmp/index.js" ]; then
    mkdir -p "$cache"
    if ! npm install --prefix "$cache" --cache "$cache/.npm" --no-audit --no-fund \
            --no-package-lock "$pkg" >"$cache/install.log" 2>&1; then
        echo "1..0 # SKIP npm install $pkg failed (see $cache/install.log)"; exit 0
    fi
fi
tmp=$(mktemp -d); trap 'kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
pid=
out=$tmp/tap

# run LABEL COMMAND...: starts a target serving $tmp/LABEL.sock, runs the client.
run() {
    label=$1; shift
    "$@" >"$tmp/$label.log" 2>&1 &
    pid=$!
    i=0
    while [ ! -S "$tmp/$label.sock" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
    node "$src/tests/qmp/npm-client.js" "$cache/node_modules" "$tmp/$label.sock" "$label" >>"$out" 2>&1
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
    if kill -0 "$pid" 2>/dev/null; then
        echo "not ok - $label: exits after quit" >>"$out"; kill "$pid"
    else
        wait "$pid"; rc=$?
        if [ $rc -eq 0 ]; then echo "ok - $label: exits 0 after quit" >>"$out"
        else echo "not ok - $label: exits 0 after quit (exit $rc)" >>"$out"; sed 's/^/# /' "$tmp/$label.log" >>"$out"; fi
    fi
}

: >"$out"
if command -v qemu-system-x86_64 >/dev/null 2>&1 && [ -w /dev/kvm ]; then
    run qemu qemu-system-x86_64 -S -nodefaults -machine pc,accel=kvm -m 128 -display none \
        -qmp "unix:$tmp/qemu.sock,server=on,wait=off"
else
    echo "ok - qemu: reference run # SKIP qemu-system-x86_64 or /dev/kvm missing" >>"$out"
fi
vmm=${VIREO_VMM:-$build/src/vireo-vmm}
if [ -x "$vmm" ] && [ -f "$build/tests/qmp/ticker.elf" ]; then
    sed -e "s|@KERNEL@|$build/tests/qmp/ticker.elf|" "$src/tests/qmp/ticker.xml" >"$tmp/d.xml"
    run vireo "$vmm" --domain "$tmp/d.xml" --paused --qmp "unix:$tmp/vireo.sock,server=on,wait=off"
else
    echo "ok - vireo-vmm # SKIP vireo-vmm or the ticker guest is not built yet" >>"$out"
fi
n=0
while IFS= read -r line; do
    case $line in
        "ok - "*|"not ok - "*) n=$((n + 1)); echo "${line%% - *} $n - ${line#* - }" ;;
        *) echo "$line" ;;
    esac
done <"$out"
echo "1..$n"
