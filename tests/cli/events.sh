#!/bin/sh
# `vireo event`: the lifecycle events each verb produces, as virsh prints
# them, read by a follower process from the store's event log.
. "$(dirname "$0")/lib.sh"
plan 7

# Starts `vireo event` in the background and waits until it follows the
# log: a marker domain is defined until its event shows up.
start_follower() {
    "$VIREO" event --all --loop --timeout 120 > "$WORK/events.out" 2>&1 &
    follower=$!
    domain_xml marker ignore > "$WORK/marker.xml"
    i=0
    while [ $i -lt 100 ]; do
        "$VIREO" -q define "$WORK/marker.xml" >/dev/null 2>&1
        "$VIREO" -q undefine marker >/dev/null 2>&1
        grep -q "domain 'marker'" "$WORK/events.out" && return 0
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}

stop_follower() {
    kill -INT "$follower"
    wait "$follower"
}

events_of() { grep "for domain '$1'" "$WORK/events.out"; }

check "the event follower starts" start_follower
domain_xml ev ignore > "$WORK/ev.xml"
v -q define "$WORK/ev.xml" >/dev/null
v -q dumpxml ev > "$WORK/ev-full.xml"
v -q define "$WORK/ev-full.xml" >/dev/null
v -q undefine ev >/dev/null
blocker=$(guest_blocker)
if [ -z "$blocker" ]; then
    v -q define "$WORK/ev-full.xml" >/dev/null
    v -q start ev >/dev/null
    v -q suspend ev >/dev/null
    v -q suspend ev >/dev/null      # already paused: no second event
    v -q resume ev >/dev/null
    v -q resume ev >/dev/null       # already running: no second event
    v -q destroy ev >/dev/null
    v -q start ev --paused >/dev/null
    v -q resume ev >/dev/null
    kill -9 "$(vmm_pid ev)"
    wait_for 10 state_is ev "shut off (crashed)"
    v -q undefine ev >/dev/null
    v -q create "$WORK/ev-full.xml" >/dev/null
    v -q destroy ev >/dev/null
    domain_xml pw honour > "$WORK/pw.xml"
    v -q define "$WORK/pw.xml" >/dev/null
    v -q start pw >/dev/null
    wait_for 20 serial_has pw "idle guest ready"
    v -q shutdown pw >/dev/null
    wait_for 20 state_is pw "shut off (shutdown)"
fi
# the follower sees everything written before the last command returned
expected=15
[ -n "$blocker" ] && expected=3
wait_for 5 sh -c "grep -c \"domain 'ev'\" '$WORK/events.out' | grep -qx $expected"
[ -z "$blocker" ] && wait_for 5 sh -c "grep -c \"domain 'pw'\" '$WORK/events.out' | grep -qx 4"
stop_follower
expect_output "define, redefine and undefine" \
"event 'lifecycle' for domain 'ev': Defined Added
event 'lifecycle' for domain 'ev': Defined Updated
event 'lifecycle' for domain 'ev': Undefined Removed" "$(events_of ev | head -n 3)"
if [ -n "$blocker" ]; then
    skip "$blocker"
else
    expect_output "start, suspend (twice), resume (twice), destroy, start --paused, kill -9, undefine, create, destroy" \
"event 'lifecycle' for domain 'ev': Defined Added
event 'lifecycle' for domain 'ev': Started Booted
event 'lifecycle' for domain 'ev': Suspended Paused
event 'lifecycle' for domain 'ev': Resumed Unpaused
event 'lifecycle' for domain 'ev': Stopped Destroyed
event 'lifecycle' for domain 'ev': Started Booted
event 'lifecycle' for domain 'ev': Suspended Paused
event 'lifecycle' for domain 'ev': Resumed Unpaused
event 'lifecycle' for domain 'ev': Stopped Failed
event 'lifecycle' for domain 'ev': Undefined Removed
event 'lifecycle' for domain 'ev': Started Booted
event 'lifecycle' for domain 'ev': Stopped Destroyed" "$(events_of ev | tail -n +4)"
fi
if [ -n "$blocker" ]; then
    skip "$blocker"
else
    expect_output "a shutdown the guest carries out" \
"event 'lifecycle' for domain 'pw': Defined Added
event 'lifecycle' for domain 'pw': Started Booted
event 'lifecycle' for domain 'pw': Shutdown Finished after guest request
event 'lifecycle' for domain 'pw': Stopped Shutdown" "$(events_of pw)"
fi
check "the follower counts what it printed" grep -q "^events received: $(grep -c "^event 'lifecycle'" "$WORK/events.out")$" "$WORK/events.out"

# one event without --loop, and a timeout
"$VIREO" event --all --timeout 30 > "$WORK/one.out" 2>&1 &
one=$!
wait_for 10 sh -c "'$VIREO' -q define '$WORK/ev-full.xml' >/dev/null 2>&1; '$VIREO' -q undefine ev >/dev/null 2>&1; ! kill -0 $one 2>/dev/null"
wait "$one"
check "without --loop the first event ends it" grep -q "^events received: 1$" "$WORK/one.out"
out=$(v -q event --all --timeout 1)
expect_output "a timeout with no events" "event loop timed out
events received: 0" "$out"
finish
