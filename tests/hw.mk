# tests for src/hw: the real device models driven through the bus by a
# recording VireoHwContext (tests/hw/harness.c).
HW_HARNESS = tests/hw/harness.c tests/hw/harness.h
HW_TEST_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests

check_PROGRAMS += tests/test-hw-bus
TESTS += tests/test-hw-bus
tests_test_hw_bus_SOURCES = tests/test-hw-bus.c $(HW_HARNESS)
tests_test_hw_bus_CPPFLAGS = $(HW_TEST_CPPFLAGS)
tests_test_hw_bus_LDADD = $(HW_LIBS)

check_PROGRAMS += tests/test-hw-serial
TESTS += tests/test-hw-serial
tests_test_hw_serial_SOURCES = tests/test-hw-serial.c $(HW_HARNESS)
tests_test_hw_serial_CPPFLAGS = $(HW_TEST_CPPFLAGS)
tests_test_hw_serial_LDADD = $(HW_LIBS)

check_PROGRAMS += tests/hw/acpi-dump
tests_hw_acpi_dump_SOURCES = tests/hw/acpi-dump.c tests/hw/acpi-configs.h $(HW_HARNESS)
tests_hw_acpi_dump_CPPFLAGS = $(HW_TEST_CPPFLAGS)
tests_hw_acpi_dump_LDADD = $(HW_LIBS)
TESTS += tests/hw/acpi-iasl.sh
EXTRA_DIST += tests/hw/acpi-iasl.sh

check_PROGRAMS += tests/test-hw-pm tests/test-hw-acpi
TESTS += tests/test-hw-pm tests/test-hw-acpi
tests_test_hw_pm_SOURCES = tests/test-hw-pm.c $(HW_HARNESS)
tests_test_hw_pm_CPPFLAGS = $(HW_TEST_CPPFLAGS)
tests_test_hw_pm_LDADD = $(HW_LIBS)
tests_test_hw_acpi_SOURCES = tests/test-hw-acpi.c tests/hw/acpi-configs.h $(HW_HARNESS)
tests_test_hw_acpi_CPPFLAGS = $(HW_TEST_CPPFLAGS)
tests_test_hw_acpi_LDADD = $(HW_LIBS)

check_PROGRAMS += tests/test-hw-rtc
TESTS += tests/test-hw-rtc
tests_test_hw_rtc_SOURCES = tests/test-hw-rtc.c $(HW_HARNESS)
tests_test_hw_rtc_CPPFLAGS = $(HW_TEST_CPPFLAGS)
tests_test_hw_rtc_LDADD = $(HW_LIBS)

check_PROGRAMS += tests/test-hw-misc
TESTS += tests/test-hw-misc
tests_test_hw_misc_SOURCES = tests/test-hw-misc.c $(HW_HARNESS)
tests_test_hw_misc_CPPFLAGS = $(HW_TEST_CPPFLAGS)
tests_test_hw_misc_LDADD = $(HW_LIBS)

# the split irqchip's user-space models: 8259 pair, IOAPIC, 8254 PIT
check_PROGRAMS += tests/test-hw-irq tests/test-hw-pit
TESTS += tests/test-hw-irq tests/test-hw-pit
tests_test_hw_irq_SOURCES = tests/test-hw-irq.c $(HW_HARNESS)
tests_test_hw_irq_CPPFLAGS = $(HW_TEST_CPPFLAGS)
tests_test_hw_irq_LDADD = $(HW_LIBS)
tests_test_hw_pit_SOURCES = tests/test-hw-pit.c $(HW_HARNESS)
tests_test_hw_pit_CPPFLAGS = $(HW_TEST_CPPFLAGS)
tests_test_hw_pit_LDADD = $(HW_LIBS)
