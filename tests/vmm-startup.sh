#!/bin/sh
# TAP test of vireo-vmm's start-up path (docs/design.md, "Start-up"):
# its messages still follow the locale after it stopped loading all of it
# (LC_CTYPE and LC_MESSAGES only); VIREO_STARTUP_TRACE prints every
# checkpoint from main() to the QMP greeting, in order, and nothing without
# the variable; the greeting is QEMU's and the first query-status right
# after it answers "prelaunch" (the machine exists when the greeting comes);
# vireo-vmm uses the real json-glib (shared, with GLib) and, where
# configure linked libxml2.a, no ICU (and liblzma from its archive); where configure ordered the symbol
# lookup scope, libc and GLib are the first libraries the loader searches
# and vireo loads no library a json-glib program would not; its QMP socket,
# which listens before the VM is built, is gone when the build fails.
set -u
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
build=${abs_top_builddir:-$src}
vmm=${VIREO_VMM:-$build/src/vireo-vmm}
tmp=$(mktemp -d); trap 'kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
pid=
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; [ -s "$tmp/err" ] && sed 's/^/# /' "$tmp/err" | head -20; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
echo "1..12"

needed=$(readelf -d "$vmm" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
case $needed in
    *libc.so*) case $needed in
        *libjson-glib*libglib*|*libglib*libjson-glib*) ok "vireo-vmm links json-glib and GLib: $needed" ;;
        *) notok "vireo-vmm links json-glib and GLib: $needed" ;;
        esac ;;
    *) notok "readelf -d lists vireo-vmm's libraries" ;;
esac
# configure.ac, --enable-scope-order: libc, GLib and GObject are the first
# libraries the loader searches, and every library named for the order is
# one json-glib loads anyway (none added).
scope=$(echo "${VIREO_SCOPE_LDFLAGS:-}" | tr ' ' '\n' | sed -n 's/^-l:\(.*\)/\1/p')
if [ "${VIREO_SANITIZERS:-no}" = yes ]; then
    skip "scope order: left out by --enable-sanitizers (libasan must be the first shared object)"
elif [ -z "${VIREO_SCOPE_LDFLAGS:-}" ]; then
    skip "scope order: configure named no libraries"
else
    first=$(echo "$needed" | tr ' ' '\n' | sed -n '1,3p' | tr '\n' ' ')
    json=$(ldd "$vmm" 2>/dev/null | sed -n 's/^[[:space:]]*libjson-glib[^ ]* => \([^ ]*\) .*/\1/p')
    closure=" $(ldd "$json" 2>/dev/null | sed -n 's/^[[:space:]]*\(lib[^ ]*\) => .*/\1/p' | tr '\n' ' ') "
    extra=
    for so in $scope; do
        case $closure in *" $so "*) ;; *) extra="$extra $so" ;; esac
    done
    case $first:$extra in
        "libc.so.6 libglib-2.0.so.0 libgobject-2.0.so.0 ":) ok "scope order: libc, GLib, GObject first; all of$(echo $scope | sed 's/^/ /') come with json-glib" ;;
        *) notok "scope order: first '$first', not loaded by json-glib ($json): '$extra'" ;;
    esac
fi
case ${VIREO_STATIC_LIBXML2:-no}:$needed in
    yes:*libicu*|yes:*libxml2*) notok "static libxml2: vireo-vmm needs neither libxml2.so nor ICU: $needed" ;;
    yes:*) ok "static libxml2: vireo-vmm needs neither libxml2.so nor ICU" ;;
    *:*libxml2*) ok "shared libxml2: vireo-vmm needs libxml2" ;;
    *) notok "shared libxml2: vireo-vmm needs libxml2" ;;
esac
# configure links liblzma.a with libxml2.a where there is one: nothing
# else loads liblzma.so.
case ${VIREO_LIBXML2_A_LIBS:-}:$needed in
    *liblzma.a*:*liblzma*) notok "liblzma.a linked: vireo-vmm still needs liblzma.so: $needed" ;;
    *liblzma.a*:*) ok "liblzma.a linked: vireo-vmm does not need liblzma.so" ;;
    *) skip "liblzma comes shared (no liblzma.a, or a shared libxml2)" ;;
esac

mkdir -p "$tmp/locale/zh_CN/LC_MESSAGES"
if msgfmt -o "$tmp/locale/zh_CN/LC_MESSAGES/vireo.mo" "$src/po/zh_CN.po" 2>"$tmp/err" &&
   ! env LANGUAGE=zh_CN LC_ALL=C.UTF-8 VIREO_LOCALEDIR="$tmp/locale" "$vmm" >/dev/null 2>"$tmp/err" &&
   grep -q "必须指定 --domain" "$tmp/err"; then
    ok "vireo-vmm's messages are in Chinese under LANGUAGE=zh_CN"
else
    notok "vireo-vmm's messages are in Chinese under LANGUAGE=zh_CN"
fi

if [ ! -w /dev/kvm ] || ! command -v python3 >/dev/null; then
    for t in "checkpoints in order" "no checkpoints without the variable" \
             "greeting, then query-status prelaunch" "every line of the trace is a checkpoint" \
             "a failed build leaves no QMP socket" \
             "greeted during the build, answered after it" \
             "greeted during a build that fails, then the connection closes"; do
        skip "$t: needs /dev/kvm and python3"
    done
    exit 0
fi
sed -e "s|@KERNEL@|$build/tests/qmp/ticker.elf|" "$src/tests/qmp/ticker.xml" >"$tmp/d.xml"

# run_vmm ENV...: starts vireo-vmm paused, talks QMP, quits; stderr in $tmp/err
run_vmm() {
    rm -f "$tmp/q.sock"
    env "$@" "$vmm" --domain "$tmp/d.xml" --paused --qmp "unix:$tmp/q.sock" 2>"$tmp/err" &
    pid=$!
    python3 - "$tmp/q.sock" >"$tmp/qmp" 2>&1 <<'PY'
import socket, sys, time
path = sys.argv[1]
for _ in range(1000):
    try:
        s = socket.socket(socket.AF_UNIX); s.connect(path); break
    except OSError:
        time.sleep(0.01)
f = s.makefile("rwb")
print(f.readline().decode().strip())
for cmd in ('{"execute": "query-status"}', '{"execute": "qmp_capabilities"}',
            '{"execute": "query-status"}', '{"execute": "quit"}'):
    f.write((cmd + "\n").encode()); f.flush()
    print(f.readline().decode().strip())
PY
    wait $pid
    pid=
}

run_vmm VIREO_STARTUP_TRACE=1
cp "$tmp/err" "$tmp/trace"
names=$(sed -n 's/^vireo-startup: \([a-z0-9-]*\) [0-9]*$/\1/p' "$tmp/trace" | tr '\n' ' ')
# The one client is greeted between two steps of the VM build if it
# connected during it (as QEMU's monitor thread does), else from the main
# loop: "accepted greeted" comes once, in one of the two places.
want="main i18n options types domain-parsed host-probed resolved qmp-listening vmm-built main-loop "
early="main i18n options types domain-parsed host-probed resolved qmp-listening accepted greeted vmm-built main-loop "
late="${want}accepted greeted "
ordered=$(sed -n 's/^vireo-startup: [a-z0-9-]* \([0-9]*\)$/\1/p' "$tmp/trace" | sort -c -n 2>&1 && echo yes)
if { [ "$names" = "$early" ] || [ "$names" = "$late" ]; } && [ "$ordered" = yes ]; then
    ok "checkpoints in order: $names"
else
    echo "# got: $names (times ordered: $ordered)" >>"$tmp/err"
    notok "checkpoints in order"
fi
cp "$tmp/trace" "$tmp/err"
if grep -v '^vireo-startup: ' "$tmp/trace" | grep -qv "^vireo-vmm: domain 'qmpconf' stopped"; then
    notok "every line of the trace is a checkpoint"
else
    ok "every line of the trace is a checkpoint"
fi

run_vmm
if grep -q "vireo-startup" "$tmp/err"; then
    notok "no checkpoints without the variable"
else
    ok "no checkpoints without the variable"
fi
greeting='{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": "vireo '
if head -1 "$tmp/qmp" | grep -qF "$greeting" &&
   sed -n 4p "$tmp/qmp" | grep -qF '"status": "prelaunch"'; then
    ok "greeting, then query-status prelaunch"
else
    cat "$tmp/qmp" >>"$tmp/err"
    notok "greeting, then query-status prelaunch"
fi

# No <kernel>: the build fails after the socket listened.
sed -e '/<kernel>/d' "$tmp/d.xml" >"$tmp/nokernel.xml"
rm -f "$tmp/q.sock"
if ! "$vmm" --domain "$tmp/nokernel.xml" --paused --qmp "unix:$tmp/q.sock" 2>"$tmp/err" &&
   grep -q "missing kernel" "$tmp/err" && [ ! -e "$tmp/q.sock" ]; then
    ok "a failed build leaves no QMP socket"
else
    notok "a failed build leaves no QMP socket"
fi

# The serial console is a FIFO: opening it for writing holds the build in
# its device step until the client below, already connected, opens the
# other end. So the client is in the backlog when that step ends, and the
# VMM greets it then, before the ACPI tables, kernel and vCPUs are made.
mkfifo "$tmp/console"
sed -e "s|</domain>|<devices><serial type='file'><source path='$tmp/console'/></serial></devices></domain>|" \
    "$tmp/d.xml" >"$tmp/held.xml"
sed -e '/<kernel>/d' "$tmp/held.xml" >"$tmp/held-nokernel.xml"
# held_client: connects, lets the build go on, prints what it receives.
held_client() {
    python3 - "$tmp/q.sock" "$tmp/console" <<'PY'
import os, socket, sys, time
path, fifo = sys.argv[1:3]
s = socket.socket(socket.AF_UNIX)
for _ in range(1000):
    try:
        s.connect(path); break
    except OSError:
        time.sleep(0.01)
# The build goes on from here (non-blocking: a VMM that never opens its
# end cannot hang the test).
console = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
f = s.makefile("rwb")
print(f.readline().decode().strip())
# Then every line until the VMM closes the connection (a reset, when it
# closed with these commands unread, is a close too).
try:
    f.write(b'{"execute": "qmp_capabilities"}\n{"execute": "query-status"}\n'
            b'{"execute": "quit"}\n')
    f.flush()
    for line in f:
        print(line.decode().strip())
except OSError:
    pass
print("EOF")
os.close(console)
PY
}
# run_held XML: vireo-vmm (traced) on XML with held_client; its exit
# status in $status, its stderr in $tmp/trace, what the client got in
# $tmp/qmp.
run_held() {
    rm -f "$tmp/q.sock"
    VIREO_STARTUP_TRACE=1 "$vmm" --domain "$1" --paused --qmp "unix:$tmp/q.sock" 2>"$tmp/trace" &
    pid=$!
    held_client >"$tmp/qmp" 2>&1
    wait $pid; status=$?
    pid=
}
run_held "$tmp/held.xml"
names=$(sed -n 's/^vireo-startup: \([a-z0-9-]*\) [0-9]*$/\1/p' "$tmp/trace" | tr '\n' ' ')
cp "$tmp/trace" "$tmp/err"; cat "$tmp/qmp" >>"$tmp/err"
if [ $status = 0 ] &&
   [ "$names" = "main i18n options types domain-parsed host-probed resolved qmp-listening accepted greeted vmm-built main-loop " ] &&
   head -1 "$tmp/qmp" | grep -qF "$greeting" &&
   sed -n 2p "$tmp/qmp" | grep -qxF '{"return": {}}' &&
   sed -n 3p "$tmp/qmp" | grep -qF '"status": "prelaunch"' &&
   sed -n 4p "$tmp/qmp" | grep -qF '"event": "SHUTDOWN"' &&
   [ "$(sed -n '5,$p' "$tmp/qmp" | tr '\n' ' ')" = '{"return": {}} EOF ' ]; then
    ok "greeted during the build, answered after it"
else
    notok "greeted during the build, answered after it"
fi

run_held "$tmp/held-nokernel.xml"
cp "$tmp/trace" "$tmp/err"; cat "$tmp/qmp" >>"$tmp/err"
if [ $status = 1 ] && grep -q "missing kernel" "$tmp/trace" &&
   grep -q "^vireo-startup: greeted " "$tmp/trace" &&
   head -1 "$tmp/qmp" | grep -qF "$greeting" &&
   [ "$(sed -n '2,$p' "$tmp/qmp")" = EOF ] &&
   [ ! -e "$tmp/q.sock" ]; then
    ok "greeted during a build that fails, then the connection closes"
else
    notok "greeted during a build that fails, then the connection closes"
fi
