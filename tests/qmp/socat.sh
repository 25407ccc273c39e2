#!/bin/sh
# TAP: scripted QMP exchanges through socat (a client that knows nothing of
# QMP), against vireo-vmm on the paused ticker guest: CRLF line ends, negotiation, a
# command written in two pieces, events before replies, quit ending the VMM.
set -u
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${abs_top_builddir:-$(pwd)}
if ! command -v socat >/dev/null 2>&1; then
    echo "1..0 # SKIP socat is not installed"; exit 0
fi
tmp=$(mktemp -d); trap 'kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
pid=
n=0
check() {   # check LABEL WHAT COMMAND...
    label=$1; what=$2; shift 2
    n=$((n + 1))
    if "$@"; then echo "ok $n - $label: $what"; else echo "not ok $n - $label: $what"; sed 's/^/# /' "$tmp/$label.out"; fi
}

crlf_lines() {  # crlf_lines FILE N: N lines, each ending in CR LF
    [ "$(tr -cd '\r' <"$1" | wc -c)" -eq "$2" ] && [ "$(wc -l <"$1")" -eq "$2" ] &&
        [ "$(tr -d '\r' <"$1" | wc -c)" -eq "$(($(wc -c <"$1") - $2))" ]
}

exchange() {    # exchange LABEL COMMAND...: start, talk, collect $tmp/LABEL.out
    label=$1; shift
    "$@" >"$tmp/$label.log" 2>&1 &
    pid=$!
    i=0
    while [ ! -S "$tmp/$label.sock" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
    { printf '{"execute": "query-status"}\n'
      printf '{"execute": "qmp_capabilities"}\n'
      printf '{"execute": "query-'; sleep 0.2; printf 'name", "id": "two-part"}\n'
      printf '{"execute": "cont"}\n{"execute": "stop"}\n'
      printf '{"execute": "quit"}\n'
      sleep 1; } | socat -t5 - "UNIX-CONNECT:$tmp/$label.sock" >"$tmp/$label.out" 2>&1
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
    tr -d '\r' <"$tmp/$label.out" | sed 's/"timestamp": {[^}]*}/"timestamp": T/' >"$tmp/$label.txt"
    check "$label" "ten lines, every one ending with CRLF" crlf_lines "$tmp/$label.out" 10
    check "$label" "the transcript is QEMU's (with vireo's package name)" \
        cmp -s "$tmp/$label.txt" "$tmp/expected"
    check "$label" "the VMM ended after quit" sh -c "! kill -0 $pid 2>/dev/null"
}

cat >"$tmp/expected" <<'EOT'
{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": "vireo 0.1.0"}, "capabilities": ["oob"]}}
{"error": {"class": "CommandNotFound", "desc": "Expecting capabilities negotiation with 'qmp_capabilities'"}}
{"return": {}}
{"return": {"name": "qmpconf"}, "id": "two-part"}
{"timestamp": T, "event": "RESUME"}
{"return": {}}
{"timestamp": T, "event": "STOP"}
{"return": {}}
{"timestamp": T, "event": "SHUTDOWN", "data": {"guest": false, "reason": "host-qmp-quit"}}
{"return": {}}
EOT
sed -i "s/vireo 0.1.0/vireo $(sed -n 's/^AC_INIT(\[vireo\], \[\([^]]*\)\].*/\1/p' "$src/configure.ac")/" "$tmp/expected"

vmm=${VIREO_VMM:-$build/src/vireo-vmm}
if [ -x "$vmm" ] && [ -f "$build/tests/qmp/ticker.elf" ]; then
    sed -e "s|@KERNEL@|$build/tests/qmp/ticker.elf|" "$src/tests/qmp/ticker.xml" >"$tmp/d.xml"
    exchange vireo "$vmm" --domain "$tmp/d.xml" --paused --qmp "unix:$tmp/vireo.sock,server=on,wait=off"
else
    n=$((n + 1)); echo "ok $n - vireo-vmm # SKIP vireo-vmm or the ticker guest is not built yet"
fi
echo "1..$n"
