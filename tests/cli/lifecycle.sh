#!/bin/sh
# The full lifecycle of a persistent and of a transient domain on real
# vireo-vmm processes: list/dominfo/domstate in every state, suspend/resume,
# shutdown through the ACPI power button, destroy of a guest that ignores
# the button, kill -9 of a VMM, and the store intact afterwards.
. "$(dirname "$0")/lib.sh"
N=54
plan $N
blocker=$(guest_blocker)
if [ -n "$blocker" ]; then
    i=0; while [ $i -lt $N ]; do skip "$blocker"; i=$((i + 1)); done
    exit 0
fi

domain_xml web honour > "$WORK/web.xml"
v -q define "$WORK/web.xml" >/dev/null
uuid=$(v -q domuuid web)
cp "$ROOT/lib/domains/web.xml" "$WORK/web-config.xml"

# ---- running ----
run start web
expect_output "start" "Domain 'web' started" "$out"
check "the guest runs" wait_for 20 serial_has web "idle guest ready"
id=$(v -q domid web)
expect_output "list when running" " Id   Name   State
----------------------
 $id    web    running" "$(v list)"
expect_output "domstate --reason after start" "running (booted)" "$(v -q domstate web --reason)"
check "domid when running is a number" sh -c "[ '$id' -gt 0 ]"
expect_output "lookup by id" "web" "$(v -q domname "$id")"
check "dominfo when running" sh -c "'$VIREO' dominfo web | grep -q '^State: *running$' && '$VIREO' dominfo web | grep -q '^Id: *$id$' && '$VIREO' dominfo web | grep -q '^Persistent: *yes$'"
check "dominfo shows CPU time" sh -c "'$VIREO' dominfo web | grep -q '^CPU time: *[0-9.]*s$'"
check "dumpxml when running has the id" sh -c "'$VIREO' dumpxml web | grep -q \"<domain type='kvm' id='$id'>\""
check "dumpxml --inactive has no id" sh -c "'$VIREO' dumpxml --inactive web | grep -q \"<domain type='kvm'>\""
run start web
expect_output "start of a running domain" "error: Domain is already active" "$out"
check "start of a running domain exits 1" [ "$rc" -eq 1 ]
run undefine web --nvram
check "undefine --nvram without nvram succeeds" [ "$rc" -eq 0 ]
check "a running domain stays after undefine, transient" sh -c "'$VIREO' dominfo web | grep -q '^Persistent: *no$'"
v -q define "$WORK/web-config.xml" >/dev/null
check "define makes it persistent again" sh -c "'$VIREO' dominfo web | grep -q '^Persistent: *yes$'"

# ---- paused ----
run suspend web
expect_output "suspend" "Domain 'web' suspended" "$out"
expect_output "list when paused" " Id   Name   State
---------------------
 $id    web    paused" "$(v list)"
expect_output "domstate --reason when paused" "paused (user)" "$(v -q domstate web --reason)"
check "dominfo when paused" sh -c "'$VIREO' dominfo web | grep -q '^State: *paused$' && '$VIREO' dominfo web | grep -q '^Id: *$id$'"
run resume web
expect_output "resume" "Domain 'web' resumed" "$out"
expect_output "domstate --reason after resume" "running (unpaused)" "$(v -q domstate web --reason)"
run reset web
expect_output "reset" "Domain 'web' was reset" "$out"

# ---- shutdown through the power button ----
if grep -q "ACPI: yes" "$WORK/web.serial"; then
    run shutdown web
    expect_output "shutdown" "Domain 'web' is being shutdown" "$out"
    check "the guest powers off" wait_for 20 state_is web "shut off (shutdown)"
    # without its monitor, the VMM's last log line gives the reason
    rm -f "$WORK/web.serial"
    v -q start web >/dev/null
    wait_for 20 serial_has web "idle guest ready"
    kill -9 "$(sed -n 's/^monitor_pid=//p' "$ROOT/run/domains/web/run.ini")"
    v -q shutdown web >/dev/null
    check "a power-off seen by no monitor is still a shutdown" wait_for 20 state_is web "shut off (shutdown)"
    check "the log said why" grep -q "stopped: guest poweroff" "$ROOT/run/log/web.log"
    v -q start web >/dev/null
    wait_for 20 serial_has web "idle guest ready"
    run shutdown web --timeout 20
    check "shutdown --timeout waits for the power-off" [ "$rc" -eq 0 ]
    expect_output "so the domain is off when it returns" "shut off (shutdown)" "$(v -q domstate web --reason)"
else
    skip "the VMM gives the guest no ACPI tables yet: $(grep -o 'ACPI: .*' "$WORK/web.serial" | head -n 1)"
    skip "no ACPI power button yet"
    skip "no ACPI power button yet"
    skip "no ACPI power button yet"
    skip "no ACPI power button yet"
    skip "no ACPI power button yet"
    v -q destroy web >/dev/null
fi

# ---- destroy, and a guest that ignores the power button ----
domain_xml stubborn ignore > "$WORK/stubborn.xml"
v -q define "$WORK/stubborn.xml" >/dev/null
v -q start stubborn >/dev/null
wait_for 20 serial_has stubborn "idle guest ready"
run shutdown stubborn --timeout 1
expect_output "shutdown --timeout of a guest that ignores the button" "Domain 'stubborn' is being shutdown
error: Timed out during operation: domain 'stubborn' is still running after 1 seconds" "$out"
check "shutdown --timeout fails then" [ "$rc" -eq 1 ]
expect_output "a guest that ignores the power button keeps running" "running (booted)" "$(v -q domstate stubborn --reason)"
pid=$(vmm_pid stubborn)
run destroy stubborn
expect_output "destroy" "Domain 'stubborn' destroyed" "$out"
check "destroy ends the VMM" pid_gone "$pid"
expect_output "domstate after destroy" "shut off (destroyed)" "$(v -q domstate stubborn --reason)"
check "dominfo after destroy" sh -c "'$VIREO' dominfo stubborn | grep -q '^State: *shut off$' && '$VIREO' dominfo stubborn | grep -q '^Id: *-$'"
check "list --all after destroy" sh -c "'$VIREO' list --all | grep -q '^ -  *stubborn  *shut off$'"
run destroy stubborn
expect_output "destroy of a stopped domain" "error: Failed to destroy domain 'stubborn'
error: Requested operation is not valid: domain is not running" "$out"

# ---- kill -9 of the VMM ----
v -q start stubborn >/dev/null
cp "$ROOT/lib/domains/stubborn.xml" "$WORK/stubborn-config.xml"
pid=$(vmm_pid stubborn)
kill -9 "$pid"
check "a killed VMM is noticed" wait_for 10 state_is stubborn "shut off (crashed)"
expect_output "list after the crash" " Id   Name       State
---------------------------
 -    stubborn   shut off
 -    web        shut off" "$(v list --all)"
check "the store is intact after the crash" cmp -s "$ROOT/lib/domains/stubborn.xml" "$WORK/stubborn-config.xml"
check "the runtime state is gone" [ ! -e "$ROOT/run/domains/stubborn" ]
check "the config still parses" sh -c "'$VIREO' dumpxml stubborn | grep -q '<name>stubborn</name>'"

# ---- a stale run whose pid now belongs to another program ----
v -q start stubborn >/dev/null
pid=$(vmm_pid stubborn)
sleep 30 &
other=$!
sed -i "s/^vmm_pid=.*/vmm_pid=$other/" "$ROOT/run/domains/stubborn/run.ini"
expect_output "a pid reused by another program is not trusted" "shut off (crashed)" "$(v -q domstate stubborn --reason)"
check "the other program was left alone" kill -0 "$other"
kill "$other" "$pid" 2>/dev/null

# ---- a VMM that cannot start ----
sed "s|<kernel>.*</kernel>|<kernel>$WORK/no-such-kernel</kernel>|; s|<name>temp</name>|<name>broken</name>|" "$WORK/stubborn.xml" | sed "s|<name>stubborn</name>|<name>broken</name>|; /<uuid>/d" > "$WORK/broken.xml"
v -q define "$WORK/broken.xml" >/dev/null
run start broken
check "a VMM that fails to start is reported" sh -c "echo \"\$1\" | head -n 2 | tr '\n' '|' | grep -q \"^error: Failed to start domain 'broken'|error: internal error: process exited while connecting to monitor: .*no-such-kernel\"" _ "$out"
check "start of it exits 1" [ "$rc" -eq 1 ]
expect_output "it stays shut off" "shut off (unknown)" "$(v -q domstate broken --reason)"
check "no runtime state is left" [ ! -e "$ROOT/run/domains/broken" ]
v -q undefine broken >/dev/null

# ---- transient ----
domain_xml temp ignore > "$WORK/temp.xml"
run create "$WORK/temp.xml"
expect_output "create" "Domain 'temp' created from $WORK/temp.xml" "$out"
check "dominfo of a transient domain" sh -c "'$VIREO' dominfo temp | grep -q '^Persistent: *no$'"
run undefine temp
expect_output "undefine of a transient domain" "error: Failed to undefine domain 'temp'
error: Requested operation is not valid: cannot undefine transient domain" "$out"
v -q destroy temp >/dev/null
run dominfo temp
expect_output "a transient domain is gone once stopped" "error: failed to get domain 'temp'" "$out"
check "nothing of it remains in the store" [ ! -e "$ROOT/lib/domains/temp.xml" ] && [ ! -e "$ROOT/run/domains/temp" ]

v -q undefine stubborn >/dev/null
v -q undefine web >/dev/null
expect_output "everything undefined" " Id   Name   State
--------------------" "$(v list --all)"
finish
