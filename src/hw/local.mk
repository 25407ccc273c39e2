# src/hw (see ARCHITECTURE.md): one file per device model
noinst_LIBRARIES += src/hw/libvireo-hw.a
src_hw_libvireo_hw_a_SOURCES = \
	src/hw/hw.h src/hw/devices.h \
	src/hw/bus.c \
	src/hw/device.c \
	src/hw/chardev.c src/hw/chardev.h \
	src/hw/serial.c src/hw/serial.h \
	src/hw/pm.c src/hw/pm.h \
	src/hw/aml.c src/hw/aml.h \
	src/hw/acpi.c src/hw/acpi.h \
	src/hw/rtc.c src/hw/rtc.h \
	src/hw/i8042.c src/hw/i8042.h \
	src/hw/debugcon.c src/hw/debugcon.h \
	src/hw/panic.c \
	src/hw/pic.c src/hw/pic.h \
	src/hw/ioapic.c src/hw/ioapic.h \
	src/hw/irqchip.c src/hw/irqchip.h \
	src/hw/pit.c src/hw/pit.h
