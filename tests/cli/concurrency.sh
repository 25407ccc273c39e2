#!/bin/sh
# Two vireo processes starting the same domain at once: the domain lock
# lets one win; the other gets libvirt's error and no second VMM runs.
# Also concurrent defines of different domains keep the store whole.
. "$(dirname "$0")/lib.sh"
ROUNDS=5
plan $((ROUNDS * 3 + 2))

# concurrent defines need no guest
i=0
while [ $i -lt 8 ]; do
    domain_xml "d$i" ignore > "$WORK/d$i.xml"
    "$VIREO" -q define "$WORK/d$i.xml" >/dev/null 2>&1 &
    i=$((i + 1))
done
wait
expect_output "eight concurrent defines all land" "d0 d1 d2 d3 d4 d5 d6 d7" "$(v -q list --all --name | tr '\n' ' ' | sed 's/ $//')"
check "no temporary files are left" sh -c "[ -z \"\$(ls -A '$ROOT/lib/domains' | grep '^\.')\" ]"

blocker=$(guest_blocker)
if [ -n "$blocker" ]; then
    i=0; while [ $i -lt $((ROUNDS * 3)) ]; do skip "$blocker"; i=$((i + 1)); done
    exit 0
fi

domain_xml race ignore > "$WORK/race.xml"
v -q define "$WORK/race.xml" >/dev/null
r=0
while [ $r -lt $ROUNDS ]; do
    "$VIREO" -q start race > "$WORK/a.out" 2>&1 &
    a=$!
    "$VIREO" -q start race > "$WORK/b.out" 2>&1 &
    b=$!
    wait $a; rc_a=$?
    wait $b; rc_b=$?
    check "round $r: exactly one start wins" [ $((rc_a + rc_b)) -eq 1 ]
    loser=$WORK/a.out
    [ $rc_a -eq 0 ] && loser=$WORK/b.out
    # the loser either saw the domain running already (virsh's own check)
    # or lost the race inside the driver (libvirt's error)
    check "round $r: the loser gets libvirt's error" sh -c "
        [ \"\$(cat '$loser')\" = 'error: Domain is already active' ] ||
        [ \"\$(cat '$loser')\" = \"error: Failed to start domain 'race'
error: Requested operation is not valid: domain is already running\" ]"
    n=$(pgrep -c -f -- "--domain $ROOT/run/domains/race/domain.xml")
    check "round $r: one VMM runs" [ "$n" -eq 1 ]
    v -q destroy race >/dev/null
    r=$((r + 1))
done
finish
