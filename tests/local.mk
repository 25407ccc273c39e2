# tests: one fragment per area, so areas add tests without touching this file.
EXTRA_DIST += tests/summary.sh
include tests/util.mk
include tests/conf.mk
include tests/validate.mk
include tests/machine.mk
include tests/hw.mk
include tests/vmm.mk
include tests/qmp.mk
include tests/cli.mk
