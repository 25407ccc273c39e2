#!/bin/sh
# The remaining verbs: edit (with $EDITOR, validation and virsh's re-edit
# prompt), qemu-monitor-command, domdisplay, reboot, version, -q output.
. "$(dirname "$0")/lib.sh"
plan 14

domain_xml ed ignore > "$WORK/ed.xml"
v -q define "$WORK/ed.xml" >/dev/null

out=$(EDITOR=true "$VIREO" edit ed 2>&1)
expect_output "edit without changes" "Domain 'ed' XML configuration not changed." "$out"
out=$(EDITOR="sed -i s/32768/65536/" "$VIREO" edit ed 2>&1)
expect_output "edit with \$EDITOR" "Domain 'ed' XML configuration edited." "$out"
check "the edit is in the store" sh -c "'$VIREO' dominfo ed | grep -q '^Max memory: *65536 KiB$'"
cat > "$WORK/bad-editor" <<'SH'
#!/bin/sh
sed -i 's|>1</vcpu>|>x</vcpu>|' "$1"
SH
chmod +x "$WORK/bad-editor"
out=$(echo n | VISUAL="$WORK/bad-editor" EDITOR=false "$VIREO" edit ed 2>&1)
rc=$?
check "an invalid edit is refused" [ "$rc" -eq 1 ]
check "an invalid edit prompts like virsh" sh -c "echo \"\$1\" | grep -q 'Failed. Try again? \[y,n,i,f,?\]:'" _ "$out"
check "an invalid edit leaves the config alone" sh -c "'$VIREO' dumpxml ed | grep -q '>1</vcpu>'"

out=$(v -q list --all)
expect_output "-q list has no header, like virsh -q" " -   ed   shut off" "$out"
check "version names vireo" sh -c "'$VIREO' version | grep -q '^Running hypervisor: vireo-vmm '"

blocker=$(guest_blocker)
if [ -n "$blocker" ]; then
    i=0; while [ $i -lt 6 ]; do skip "$blocker"; i=$((i + 1)); done
    exit 0
fi
v -q start ed >/dev/null
out=$(v -q qemu-monitor-command ed '{"execute":"query-status"}')
check "qemu-monitor-command passes QMP through" sh -c "echo '$out' | grep -q '\"status\": *\"running\"'"
out=$(v -q qemu-monitor-command ed --pretty '{"execute":"query-status"}')
check "--pretty indents like libvirt" sh -c "echo \"\$1\" | grep -q '^    \"status\": \"running\",\$'" _ "$out"
out=$(v -q qemu-monitor-command ed '{"execute":"no-such-command"}')
check "a QMP error is shown as QMP sent it" sh -c "echo '$out' | grep -q CommandNotFound"
run domdisplay ed
expect_output "domdisplay without a display" "error: No graphical display found" "$out"
run reboot ed
expect_output "reboot" "Domain 'ed' is being rebooted" "$out"
expect_output "the domain runs after reboot" "running" "$(v -q domstate ed)"
v -q destroy ed >/dev/null
finish
