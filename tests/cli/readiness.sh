#!/bin/sh
# What start and destroy promise when they return, checked the moment they
# do (no waiting, no retries): start returns once the VMM answers QMP and
# its pid is recorded; destroy returns once the VMM is gone and the domain
# is recorded as shut off (destroyed). Also: the monitor is the VMM's
# parent in a session of its own, and a vireo-vmm that cannot be executed
# is reported with the reason in its log; so is a build that fails after
# the VMM greeted (it greets during the build, as QEMU does: start waits
# for the reply to qmp_capabilities, which comes once the VM is built).
. "$(dirname "$0")/lib.sh"
ROUNDS=5
N=$((ROUNDS * 6 + 15))
plan $N
blocker=$(guest_blocker)
if [ -n "$blocker" ]; then
    i=0; while [ $i -lt $N ]; do skip "$blocker"; i=$((i + 1)); done
    exit 0
fi

# The recorded pid is a live vireo-vmm (not a zombie).
vmm_runs() {
    p=$(vmm_pid "$1")
    [ -n "$p" ] && [ "$p" != 0 ] && ! pid_gone "$p" &&
        tr '\0' '\n' < "/proc/$p/cmdline" | head -n 1 | grep -q 'vireo-vmm$'
}

domain_xml ready ignore > "$WORK/ready.xml"
v -q define "$WORK/ready.xml" >/dev/null
r=0
while [ $r -lt $ROUNDS ]; do
    # the first start after a destroy, so each round sees a fresh VMM
    v -q start ready >/dev/null
    check "round $r: start has recorded a live VMM when it returns" vmm_runs ready
    pid=$(vmm_pid ready)
    # qemu-monitor-command connects once, with no retry: it fails unless
    # the VMM listens and its main loop answers
    out=$("$VIREO" qemu-monitor-command ready '{"execute":"query-status"}' 2>&1)
    check "round $r: the QMP socket answers right after start" \
        sh -c "echo \"\$1\" | grep -q '\"return\"'" _ "$out"
    mon=$(sed -n 's/^monitor_pid=//p' "$ROOT/run/domains/ready/run.ini")
    check "round $r: and its monitor is recorded and running" \
        sh -c "[ -n '$mon' ] && [ '$mon' != 0 ] && kill -0 '$mon'"
    v -q destroy ready >/dev/null
    check "round $r: destroy returns after the VMM is gone" pid_gone "$pid"
    expect_output "round $r: and the domain is shut off (destroyed)" "shut off (destroyed)" \
        "$(v -q domstate ready --reason)"
    check "round $r: and its runtime state is removed" [ ! -e "$ROOT/run/domains/ready" ]
    r=$((r + 1))
done

# start and destroy back to back, while the monitor is still negotiating
# with the VMM and recording its pty: nothing it writes outlives the run,
# and the SHUTDOWN the destroy causes is not reported as a shutdown.
before=$(grep -c . "$ROOT/run/events.log")
r=0
while [ $r -lt $ROUNDS ]; do
    v -q start ready >/dev/null && v -q destroy ready >/dev/null
    r=$((r + 1))
done
check "back to back: no runtime state is left" [ ! -e "$ROOT/run/domains/ready" ]
expect_output "back to back: only Started and Stopped Destroyed events" \
    "$(r=0; while [ $r -lt $ROUNDS ]; do printf 'Started\tBooted\nStopped\tDestroyed\n'; r=$((r + 1)); done)" \
    "$(sed -n "$((before + 1)),\$p" "$ROOT/run/events.log" | cut -f 4,5)"

# The monitor: the VMM's parent, in a session of its own (a hang-up of the
# starting terminal reaches neither), not the starting vireo.
v -q start ready >/dev/null
pid=$(vmm_pid ready)
mon=$(sed -n 's/^monitor_pid=//p' "$ROOT/run/domains/ready/run.ini")
expect_output "the monitor is the VMM's parent" "$mon" "$(ps -o ppid= -p "$pid" | tr -d ' ')"
expect_output "the monitor leads its own session" "$mon" "$(ps -o sid= -p "$mon" | tr -d ' ')"
check "which is not the test's session" [ "$(ps -o sid= -p "$mon" | tr -d ' ')" != "$(ps -o sid= -p $$ | tr -d ' ')" ]
v -q destroy ready >/dev/null

# A starting vireo killed before the report: nobody would ever record or
# stop that VMM, so the monitor stops it (vireo-vmm starts 1 s late here,
# through a wrapper, so the kill lands while the monitor waits for it).
cat > "$WORK/slow-vmm" <<SH
#!/bin/sh
sleep 1
exec "$VIREO_VMM" "\$@"
SH
chmod +x "$WORK/slow-vmm"
VIREO_VMM="$WORK/slow-vmm" "$VIREO" -q start ready >/dev/null 2>&1 &
starter=$!
sleep 0.3
kill -9 $starter
wait $starter 2>/dev/null
vmm_left() { pgrep -f -- "--domain $ROOT/run/domains/ready/domain.xml" >/dev/null; }
vmm_gone() { ! vmm_left; }
sleep 1
check "a VMM whose starter died before the report is stopped" wait_for 10 vmm_gone
expect_output "and the domain is not running" "shut off (destroyed)" "$(v -q domstate ready --reason)"

# A vireo-vmm that cannot be executed: the monitor writes why into the log,
# and start shows the log's tail as libvirt does.
printf 'not a program\n' > "$WORK/not-a-vmm"
chmod 644 "$WORK/not-a-vmm"
out=$(VIREO_VMM="$WORK/not-a-vmm" "$VIREO" start ready 2>&1)
rc=$?
check "a VMM that cannot be executed fails the start" [ "$rc" -eq 1 ]
check "with the reason from the log" sh -c "echo \"\$1\" | grep -q \"process exited while connecting to monitor: cannot execute $WORK/not-a-vmm: Permission denied\"" _ "$out"
expect_output "the domain stays shut off" "shut off (destroyed)" "$(v -q domstate ready --reason)"
check "no runtime state is left" [ ! -e "$ROOT/run/domains/ready" ]
v -q undefine ready >/dev/null

# A build that fails after the greeting. The serial log is a FIFO, so the
# VMM's build waits in its device step until the test opens it, by when
# the monitor has connected; the greeting comes when that step ends, and
# the kernel, which is not one, fails the next step.
mkfifo "$WORK/held.serial"
printf 'not a kernel\n' > "$WORK/not-a-kernel"
domain_xml held ignore "$WORK/not-a-kernel" > "$WORK/held.xml"
v -q define "$WORK/held.xml" >/dev/null
"$VIREO" start held >"$WORK/held.out" 2>&1 &
starter=$!
sleep 0.5
cat "$WORK/held.serial" >/dev/null &
reader=$!
wait $starter
rc=$?
kill $reader 2>/dev/null
out=$(cat "$WORK/held.out")
check "a build that fails after the greeting fails the start" [ "$rc" -eq 1 ]
check "with the VMM's reason" sh -c "echo \"\$1\" | head -n 2 | tr '\n' '|' | grep -q \"^error: Failed to start domain 'held'|error: internal error: process exited while connecting to monitor: .*kernel\"" _ "$out"
expect_output "the domain stays shut off" "shut off (unknown)" "$(v -q domstate held --reason)"
check "no runtime state is left" [ ! -e "$ROOT/run/domains/held" ]
v -q undefine held >/dev/null
finish
