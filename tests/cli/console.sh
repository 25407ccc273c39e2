#!/bin/sh
# `vireo console` and `start --console`: virsh's banner, the guest's serial
# output from its first byte, and Ctrl+] detaching.
. "$(dirname "$0")/lib.sh"
plan 11
blocker=$(guest_blocker)
if [ -n "$blocker" ]; then
    i=0; while [ $i -lt 11 ]; do skip "$blocker"; i=$((i + 1)); done
    exit 0
fi

domain_xml con ignore > "$WORK/con.xml"
v -q define "$WORK/con.xml" >/dev/null
# stdin is not a terminal: the console shows output until it is killed
timeout 5 "$VIREO" start con --console < /dev/null > "$WORK/console.out" 2>&1
expect_output "start --console prints virsh's banner" "Domain 'con' started
Connected to domain 'con'
Escape character is ^] (Ctrl + ])" "$(head -n 3 "$WORK/console.out")"
check "start --console shows the guest's first line" grep -q "^idle guest ready" "$WORK/console.out"
expect_output "the console does not leave the guest paused" "running (booted)" "$(v -q domstate con --reason)"
printf '\035' | timeout 10 "$VIREO" console con > "$WORK/detach.out" 2>&1
rc=$?
check "Ctrl+] detaches" [ "$rc" -eq 0 ]
expect_output "console prints the banner" "Connected to domain 'con'
Escape character is ^] (Ctrl + ])" "$(head -n 2 "$WORK/detach.out")"
# on a terminal (script(1) gives one), raw mode and Ctrl+] typed later
if command -v script >/dev/null 2>&1; then
    (sleep 1; printf '\035') | timeout 10 script -qec "'$VIREO' console con" /dev/null > "$WORK/tty.out" 2>&1
    check "Ctrl+] on a terminal detaches" grep -q "Escape character is" "$WORK/tty.out"
    expect_output "the guest runs on after a detach" "running" "$(v -q domstate con)"
else
    skip "script(1) is not installed"; skip "script(1) is not installed"
fi
v -q destroy con >/dev/null
run console con
expect_output "console of a stopped domain" "error: The domain is not running" "$out"

# the guest's last line before it powers off reaches the console: closing
# the pty used to discard what the console had not read yet
domain_xml bye honour "$HELLO_ELF" | sed 's|power=honour|greeting="bye"|' > "$WORK/bye.xml"
v -q define "$WORK/bye.xml" >/dev/null
timeout 20 "$VIREO" start bye --console < /dev/null | cat > "$WORK/bye.out" 2>&1
check "start --console shows the guest's output up to its power-off" grep -q "Powering off" "$WORK/bye.out"

# a serial port that is a file has no console; the held guest runs anyway
sed "s|<serial type='pty'>|<serial type='file'><source path='$WORK/nocon.out'/>|; s|<name>con</name>|<name>nocon</name>|; /<console/,/<\/console>/d; /<uuid>/d; /<log /d" "$WORK/con.xml" > "$WORK/nocon.xml"
run create "$WORK/nocon.xml" --console
check "create --console without a pty reports it" sh -c "echo \"\$1\" | grep -q '^error: Failed to get console$'" _ "$out"
expect_output "and the guest was not left paused" "running" "$(v -q domstate nocon)"
v -q destroy nocon >/dev/null
finish
