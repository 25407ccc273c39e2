#!/bin/bash
# TAP: the CPU model and feature tables vireo ships (src/machine/cpu-tables.c)
# are what this host's QEMU 7.2 and libvirt cpu_map say: regenerated with
# src/machine/gen-cpu-tables.py and compared section by section.
set -u
SRC=${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
DIR=$(mktemp -d /tmp/vireo-models.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
echo "1..2"
why=
command -v qemu-system-x86_64 >/dev/null || why="qemu-system-x86_64 missing"
[ -r /usr/share/libvirt/cpu_map/x86_features.xml ] || why="libvirt cpu_map missing"
if [ -z "$why" ]; then
    ver=$(qemu-system-x86_64 --version | sed -n 's/^QEMU emulator version \([0-9]*\.[0-9]*\).*/\1/p')
    [ "$ver" = "7.2" ] || why="tables come from QEMU 7.2, this host has QEMU $ver"
fi
if [ -n "$why" ]; then
    echo "ok 1 # SKIP $why"
    echo "ok 2 # SKIP $why"
    exit 0
fi
python3 "$SRC/src/machine/gen-cpu-tables.py" > "$DIR/new.c"
split_at() { awk -v part="$2" '/vireo_cpu_model_table\[\]/ { p = 1 } (p == part) { print }' "$1"; }
split_at "$SRC/src/machine/cpu-tables.c" 0 > "$DIR/feat.old"; split_at "$DIR/new.c" 0 > "$DIR/feat.new"
split_at "$SRC/src/machine/cpu-tables.c" 1 > "$DIR/model.old"; split_at "$DIR/new.c" 1 > "$DIR/model.new"
if cmp -s "$DIR/feat.old" "$DIR/feat.new" && [ -s "$DIR/feat.new" ]; then
    echo "ok 1 - feature names, leaves and bits match libvirt's map and QEMU's names"
else
    echo "not ok 1 - feature table differs from the regenerated one"
    diff "$DIR/feat.old" "$DIR/feat.new" | head -20 | sed 's/^/# /'
fi
if cmp -s "$DIR/model.old" "$DIR/model.new" && [ -s "$DIR/model.new" ]; then
    echo "ok 2 - 20 CPU models match QEMU's query-cpu-model-expansion"
else
    echo "not ok 2 - CPU model table differs from QEMU's"
    diff "$DIR/model.old" "$DIR/model.new" | head -20 | sed 's/^/# /'
fi
