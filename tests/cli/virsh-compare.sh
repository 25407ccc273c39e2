#!/bin/sh
# The same scenario through vireo and through `virsh -c test:///default`
# (one virsh invocation: the test driver lives only as long as virsh).
# Normalised, and only there: ids, UUIDs, CPU time, and the lines where the
# test driver describes itself (OS Type "linux", its security driver).
. "$(dirname "$0")/lib.sh"
plan 2
if ! command -v virsh >/dev/null 2>&1; then
    skip "virsh is not installed"; skip "virsh is not installed"
    exit 0
fi

normalise() {
    sed -e 's/^\( *\)[0-9][0-9]*\( *[a-z]\)/\1N\2/' \
        -e 's/^Id: *[0-9][0-9]*$/Id:             N/' \
        -e 's/^UUID: .*/UUID:           U/' \
        -e '/^CPU time:/d' -e '/^Security /d' -e 's/^OS Type: .*/OS Type:        T/'
}

domain_xml cmp ignore > "$WORK/cmp.xml"
# test:///default starts with its own running domain 'test': remove it
# first and drop those two commands' output (4 lines)
virsh -c test:///default "undefine test; destroy test; define $WORK/cmp.xml; list --all; dominfo cmp; domstate cmp --reason; undefine cmp; list --all" 2>&1 | tail -n +5 | normalise > "$WORK/virsh-inactive.out"
for c in "define $WORK/cmp.xml" "list --all" "dominfo cmp" "domstate cmp --reason" "undefine cmp" "list --all"; do
    # shellcheck disable=SC2086
    "$VIREO" $c 2>&1
done | normalise > "$WORK/vireo-inactive.out"
expect_output "define, list, dominfo, domstate, undefine match virsh" "$(cat "$WORK/virsh-inactive.out")" "$(cat "$WORK/vireo-inactive.out")"

blocker=$(guest_blocker)
if [ -n "$blocker" ]; then
    skip "$blocker"
    exit 0
fi
virsh -c test:///default "undefine test; destroy test; define $WORK/cmp.xml; start cmp; list --all; dominfo cmp; domstate cmp --reason; destroy cmp; list --all; dominfo cmp; domstate cmp --reason; undefine cmp; list --all" 2>&1 | tail -n +5 | normalise > "$WORK/virsh.out"
for c in "define $WORK/cmp.xml" "start cmp" "list --all" "dominfo cmp" "domstate cmp --reason" "destroy cmp" "list --all" "dominfo cmp" "domstate cmp --reason" "undefine cmp" "list --all"; do
    # shellcheck disable=SC2086
    "$VIREO" $c 2>&1
done | normalise > "$WORK/vireo.out"
expect_output "the lifecycle matches virsh" "$(cat "$WORK/virsh.out")" "$(cat "$WORK/vireo.out")"
finish
