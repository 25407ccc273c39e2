#!/bin/sh
# vireo's domain store without running guests: define/undefine/list/
# dominfo/domstate/dumpxml of inactive domains, URIs, unknown names and
# UUIDs, and a corrupted or half-written config in the store.
. "$(dirname "$0")/lib.sh"
plan 37

domain_xml alpha ignore > "$WORK/alpha.xml"
domain_xml beta ignore > "$WORK/beta.xml"

run define "$WORK/alpha.xml"
expect_output "define prints virsh's message" \
    "Domain 'alpha' defined from $WORK/alpha.xml" "$out"
check "define exits 0" [ "$rc" -eq 0 ]
check "config stored" [ -s "$ROOT/lib/domains/alpha.xml" ]

first_uuid=$(v -q domuuid alpha)
run define "$WORK/alpha.xml"
expect_output "a second define without uuid is refused like libvirt" \
    "error: Failed to define domain from $WORK/alpha.xml
error: operation failed: domain 'alpha' already exists with uuid $first_uuid" "$out"
v -q dumpxml alpha > "$WORK/alpha-dump.xml"
run define "$WORK/alpha-dump.xml"
check "redefining from dumpxml succeeds" [ "$rc" -eq 0 ]

out=$(v list --all)
expect_output "list --all of an inactive domain" " Id   Name    State
------------------------
 -    alpha   shut off" "$out"

out=$(v list)
expect_output "list hides inactive domains" " Id   Name   State
--------------------" "$out"

uuid=$(v -q domuuid alpha)
out=$(v dominfo alpha)
expect_output "dominfo of an inactive domain" "Id:             -
Name:           alpha
UUID:           $uuid
OS Type:        hvm
State:          shut off
CPU(s):         1
Max memory:     32768 KiB
Used memory:    32768 KiB
Persistent:     yes
Autostart:      disable
Managed save:   no
Security model: none
Security DOI:   0" "$out"

expect_output "domstate --reason of a new domain" "shut off (unknown)" "$(v -q domstate alpha --reason)"
expect_output "domid of an inactive domain" "-" "$(v -q domid alpha)"
expect_output "domname by uuid" "alpha" "$(v -q domname "$uuid")"
check "dominfo by uuid" sh -c "'$VIREO' dominfo '$uuid' | grep -q '^Name: *alpha$'"

out=$(v -q dumpxml alpha)
check "dumpxml has the generated uuid" sh -c "echo \"\$1\" | grep -q \"<uuid>$uuid</uuid>\"" _ "$out"
check "dumpxml of an inactive domain has no id" sh -c "echo \"\$1\" | grep -q \"<domain type='kvm'>\"" _ "$out"

# the same uuid under another name is refused, as libvirt does
sed "s|<name>alpha</name>|<name>gamma</name><uuid>$uuid</uuid>|" "$WORK/alpha.xml" > "$WORK/gamma.xml"
run define "$WORK/gamma.xml"
expect_output "a second name for one uuid is refused" \
    "error: Failed to define domain from $WORK/gamma.xml
error: operation failed: domain 'alpha' is already defined with uuid $uuid" "$out"

for verb in dominfo start destroy undefine domstate suspend console dumpxml; do
    run $verb nope
    [ "$rc" -eq 1 ] && [ "$out" = "error: failed to get domain 'nope'" ] || break
done
expect_output "every verb on an unknown name fails like virsh" "error: failed to get domain 'nope'" "$out"
run dominfo 1f8e6f7e-5a70-4780-89c1-464dc0e7f308
expect_output "an unknown uuid" "error: failed to get domain '1f8e6f7e-5a70-4780-89c1-464dc0e7f308'" "$out"
run domstate 42
expect_output "an unknown id" "error: failed to get domain '42'" "$out"

# a corrupted config and an interrupted write's temporary file
v -q define "$WORK/beta.xml" >/dev/null
head -c 100 "$ROOT/lib/domains/beta.xml" > "$WORK/half" && cp "$WORK/half" "$ROOT/lib/domains/beta.xml"
echo '<domain' > "$ROOT/lib/domains/.alpha.xml.ABC123"
out=$(v -q list --all --name 2>"$WORK/err")
rc=$?
check "list survives a corrupted config" [ "$rc" -eq 0 ]
expect_output "list shows the readable domains only" "alpha" "$out"
check "list reports the corrupted config" grep -q "Failed to load config for domain 'beta'" "$WORK/err"
run dominfo beta
expect_output "a corrupted domain cannot be looked up" "error: failed to get domain 'beta'" "$out"
run undefine beta
expect_output "a corrupted config can be undefined" "Domain 'beta' has been undefined" "$out"
check "the corrupted config is gone" [ ! -e "$ROOT/lib/domains/beta.xml" ]

sed 's|<devices>|<devices><frobnicator/>|' "$WORK/alpha.xml" | sed 's|<name>alpha</name>|<name>delta</name>|' > "$WORK/delta.xml"
run define --validate "$WORK/delta.xml"
check "define --validate refuses a schema-invalid domain" sh -c "echo \"\$1\" | head -n 1 | grep -qx 'error: Failed to define domain from $WORK/delta.xml'" _ "$out"
check "and stores nothing" [ ! -e "$ROOT/lib/domains/delta.xml" ]

# an unknown machine type is refused at define/create, as libvirt's QEMU
# driver does, and a stored config edited to name one fails to start
sed "s/machine='pc'/machine='pc-nosuch-1.0'/" "$WORK/beta.xml" | sed 's/beta/gamma/g' > "$WORK/gamma.xml"
run define "$WORK/gamma.xml"
expect_output "define refuses an unknown machine type" \
    "error: Failed to define domain from $WORK/gamma.xml
error: unsupported configuration: unsupported machine type 'pc-nosuch-1.0' (run 'vireo capabilities' to list the supported ones)" "$out"
check "and stores nothing" [ ! -e "$ROOT/lib/domains/gamma.xml" ]
run create "$WORK/gamma.xml"
check "create refuses it too" sh -c "[ $rc -ne 0 ] && echo \"\$1\" | grep -q \"unsupported machine type 'pc-nosuch-1.0'\"" _ "$out"
sed "s/machine='pc'/machine='q35'/" "$WORK/beta.xml" | sed 's/beta/delta2/g' > "$WORK/delta2.xml"
run define "$WORK/delta2.xml"
check "an alias (q35) is accepted" [ "$rc" -eq 0 ]
sed -i "s/machine='[^']*'/machine='pc-nosuch-2.0'/" "$ROOT/lib/domains/delta2.xml"
run start delta2
expect_output "start of a stored config with an unknown machine type fails before launch" \
    "error: Failed to start domain 'delta2'
error: unsupported configuration: unsupported machine type 'pc-nosuch-2.0' (run 'vireo capabilities' to list the supported ones)" "$out"
v -q undefine delta2 >/dev/null 2>&1

run undefine alpha
expect_output "undefine" "Domain 'alpha' has been undefined" "$out"
expect_output "list --all is empty again" " Id   Name   State
--------------------" "$(v list --all)"

run -c "vireo:///embed?root=relative" list
expect_output "an embed root must be absolute" "error: failed to connect to the hypervisor
error: invalid argument: root path must be absolute: relative" "$out"
mkdir -p "$WORK/xdg-data" "$WORK/xdg-run"
XDG_DATA_HOME="$WORK/xdg-data" XDG_RUNTIME_DIR="$WORK/xdg-run" "$VIREO" -q -c vireo:///session define "$WORK/alpha.xml" >/dev/null 2>&1
check "vireo:///session keeps configs in \$XDG_DATA_HOME/vireo" [ -s "$WORK/xdg-data/vireo/domains/alpha.xml" ]
check "and runtime state in \$XDG_RUNTIME_DIR/vireo" [ -d "$WORK/xdg-run/vireo/domains" ]

run -c "qemu:///system" list
expect_output "other drivers' URIs are refused" "error: failed to connect to the hypervisor
error: this function is not supported by the connection driver: no connection driver available for qemu:///system" "$out"
finish
