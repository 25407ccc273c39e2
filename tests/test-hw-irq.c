/* Unit tests for src/hw/pic.c, ioapic.c and irqchip.c: the split
 * irqchip's user-space half, driven through the bus, with the harness
 * standing where KVM would be (MSIs, GSI routes, the ExtINT kick). */
#include <config.h>
#include "hw/harness.h"
#include "hw/irqchip.h"

#define M_CMD 0x20
#define M_DATA 0x21
#define S_CMD 0xa0
#define S_DATA 0xa1
#define IOREGSEL (VIREO_IOAPIC_ADDR + 0x00)
#define IOWIN (VIREO_IOAPIC_ADDR + 0x10)

static VireoIrqChip *
create_chip(HwHarness *h)
{
    g_autoptr(GError) err = NULL;
    VireoIrqChip *chip = vireo_irqchip_new(&h->hw, &err);
    g_assert_no_error(err);
    return chip;
}

/* What Linux's init_8259A writes: vectors 0x20/0x28, cascade on IR2,
 * 8086 mode (icw4 adds auto-EOI), everything masked. */
static void
pic_init(HwHarness *h, guint8 icw4)
{
    hw_outb(h, M_CMD, 0x11);
    hw_outb(h, M_DATA, 0x20);
    hw_outb(h, M_DATA, 0x04);
    hw_outb(h, M_DATA, icw4);
    hw_outb(h, S_CMD, 0x11);
    hw_outb(h, S_DATA, 0x28);
    hw_outb(h, S_DATA, 0x02);
    hw_outb(h, S_DATA, icw4);
    hw_outb(h, M_DATA, 0xff);
    hw_outb(h, S_DATA, 0xff);
}

static guint8
pic_read_isr(HwHarness *h, guint16 cmd)
{
    hw_outb(h, cmd, 0x0b);          /* OCW3: read ISR */
    return hw_inb(h, cmd);
}

static guint8
pic_read_irr(HwHarness *h, guint16 cmd)
{
    hw_outb(h, cmd, 0x0a);          /* OCW3: read IRR */
    return hw_inb(h, cmd);
}

static void
pulse(VireoIrqChip *chip, guint irq)
{
    vireo_irqchip_set_irq(chip, irq, TRUE);
    vireo_irqchip_set_irq(chip, irq, FALSE);
}

/* ---- 8259 ---------------------------------------------------------------- */

static void
test_pic_init_probe(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoIrqChip) chip = create_chip(h);
    VireoPic *pic = vireo_irqchip_get_pic(chip);

    /* probe_8259A: mask the slave, write a mask to the master, read it back. */
    hw_outb(h, S_DATA, 0xff);
    hw_outb(h, M_DATA, 0xfb);
    g_assert_cmpuint(hw_inb(h, M_DATA), ==, 0xfb);
    g_assert_cmpuint(hw_inb(h, S_DATA), ==, 0xff);
    pic_init(h, 0x01);
    g_assert_cmpuint(hw_inb(h, M_DATA), ==, 0xff);
    /* Masked: a request is in the IRR but INT stays low. */
    pulse(chip, 3);
    g_assert_cmpuint(pic_read_irr(h, M_CMD), ==, 0x08);
    g_assert_false(vireo_pic_has_interrupt(pic));
    g_assert_cmpuint(h->extint_notifies, ==, 0);
    /* Unmasking raises INT and asks for vCPU 0. */
    hw_outb(h, M_DATA, 0xf7);
    g_assert_true(vireo_pic_has_interrupt(pic));
    g_assert_cmpuint(h->extint_notifies, ==, 1);
    g_assert_cmpuint(vireo_pic_ack(pic), ==, 0x23);
    g_assert_false(vireo_pic_has_interrupt(pic));
    g_assert_cmpuint(pic_read_isr(h, M_CMD), ==, 0x08);
    g_assert_cmpuint(pic_read_irr(h, M_CMD), ==, 0x00);   /* edge: consumed */
    /* ICW1 again clears IMR and ISR. */
    hw_outb(h, M_CMD, 0x11);
    g_assert_cmpuint(hw_inb(h, M_DATA), ==, 0x00);
    hw_outb(h, M_DATA, 0x30);
    hw_outb(h, M_DATA, 0x04);
    hw_outb(h, M_DATA, 0x01);
    g_assert_cmpuint(pic_read_isr(h, M_CMD), ==, 0);
    pulse(chip, 1);
    g_assert_cmpuint(vireo_pic_ack(pic), ==, 0x31);       /* the new base */
}

static void
test_pic_eoi_priority(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoIrqChip) chip = create_chip(h);
    VireoPic *pic = vireo_irqchip_get_pic(chip);

    pic_init(h, 0x01);
    hw_outb(h, M_DATA, 0x00);
    pulse(chip, 5);
    pulse(chip, 3);
    /* Fixed priority: 3 before 5; while 3 is in service, 5 waits. */
    g_assert_cmpuint(vireo_pic_ack(pic), ==, 0x23);
    g_assert_false(vireo_pic_has_interrupt(pic));
    /* A higher-priority request (1) interrupts the service of 3. */
    pulse(chip, 1);
    g_assert_true(vireo_pic_has_interrupt(pic));
    g_assert_cmpuint(vireo_pic_ack(pic), ==, 0x21);
    g_assert_cmpuint(pic_read_isr(h, M_CMD), ==, 0x0a);
    /* Non-specific EOI ends the highest in service (1), then 3. */
    hw_outb(h, M_CMD, 0x20);
    g_assert_cmpuint(pic_read_isr(h, M_CMD), ==, 0x08);
    g_assert_false(vireo_pic_has_interrupt(pic));
    hw_outb(h, M_CMD, 0x20);
    g_assert_true(vireo_pic_has_interrupt(pic));
    g_assert_cmpuint(vireo_pic_ack(pic), ==, 0x25);
    /* Specific EOI (OCW2 0x60 | level). */
    hw_outb(h, M_CMD, 0x63);                /* 3 is not in service: no-op */
    g_assert_cmpuint(pic_read_isr(h, M_CMD), ==, 0x20);
    hw_outb(h, M_CMD, 0x65);
    g_assert_cmpuint(pic_read_isr(h, M_CMD), ==, 0x00);
    /* Set priority: 3 lowest, so 4 5 6 7 0 1 2 3: 6 beats 1. */
    hw_outb(h, M_CMD, 0xc3);
    pulse(chip, 1);
    pulse(chip, 6);
    g_assert_cmpuint(vireo_pic_ack(pic), ==, 0x26);
    /* Rotate on non-specific EOI: 6 becomes the lowest, 1 goes next. */
    hw_outb(h, M_CMD, 0xa0);
    g_assert_cmpuint(vireo_pic_ack(pic), ==, 0x21);
    hw_outb(h, M_CMD, 0x20);
    pulse(chip, 7);
    pulse(chip, 5);
    g_assert_cmpuint(vireo_pic_ack(pic), ==, 0x27);       /* 7 ranks first after 6 */
}

static void
test_pic_cascade_spurious(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoIrqChip) chip = create_chip(h);
    VireoPic *pic = vireo_irqchip_get_pic(chip);

    pic_init(h, 0x01);
    hw_outb(h, M_DATA, 0xfb);               /* only the cascade open */
    hw_outb(h, S_DATA, 0xfb);               /* IRQ 10 open */
    pulse(chip, 10);
    g_assert_true(vireo_pic_has_interrupt(pic));
    g_assert_cmpuint(pic_read_irr(h, M_CMD), ==, 0x04);
    g_assert_cmpuint(vireo_pic_ack(pic), ==, 0x2a);
    g_assert_cmpuint(pic_read_isr(h, M_CMD), ==, 0x04);
    g_assert_cmpuint(pic_read_isr(h, S_CMD), ==, 0x04);
    hw_outb(h, S_CMD, 0x20);
    hw_outb(h, M_CMD, 0x20);
    g_assert_cmpuint(pic_read_isr(h, M_CMD), ==, 0x00);
    g_assert_cmpuint(pic_read_isr(h, S_CMD), ==, 0x00);
    /* IRQ 2 is the cascade, not a line. */
    pulse(chip, 2);
    g_assert_false(vireo_pic_has_interrupt(pic));

    /* Spurious: the request is masked between INT and INTA: IR7's
     * vector, nothing in service. */
    hw_outb(h, M_DATA, 0x00);
    pulse(chip, 4);
    g_assert_true(vireo_pic_has_interrupt(pic));
    hw_outb(h, M_DATA, 0x10);
    g_assert_cmpuint(vireo_pic_ack(pic), ==, 0x27);
    g_assert_cmpuint(pic_read_isr(h, M_CMD), ==, 0x00);
    hw_outb(h, M_DATA, 0x00);
    g_assert_cmpuint(vireo_pic_ack(pic), ==, 0x24);       /* still requested */
}

static void
test_pic_aeoi_poll_level(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoIrqChip) chip = create_chip(h);
    VireoPic *pic = vireo_irqchip_get_pic(chip);

    pic_init(h, 0x03);                      /* auto-EOI */
    hw_outb(h, M_DATA, 0x00);
    hw_outb(h, S_DATA, 0x00);
    pulse(chip, 6);
    g_assert_cmpuint(vireo_pic_ack(pic), ==, 0x26);
    g_assert_cmpuint(pic_read_isr(h, M_CMD), ==, 0x00);

    /* Poll: the read is the INTA. */
    pulse(chip, 5);
    hw_outb(h, M_CMD, 0x0c);
    g_assert_cmpuint(hw_inb(h, M_CMD), ==, 0x85);
    g_assert_cmpuint(pic_read_irr(h, M_CMD), ==, 0x00);
    hw_outb(h, M_CMD, 0x0c);
    g_assert_cmpuint(hw_inb(h, M_CMD), ==, 0x00);         /* nothing pending */

    /* ELCR: IRQ 0-2, 8 and 13 cannot be level. */
    hw_outb(h, 0x4d0, 0xff);
    hw_outb(h, 0x4d1, 0xff);
    g_assert_cmpuint(hw_inb(h, 0x4d0), ==, 0xf8);
    g_assert_cmpuint(hw_inb(h, 0x4d1), ==, 0xde);
    /* Level IRQ 9 (the SCI): requested while high, again after service. */
    hw_outb(h, 0x4d0, 0x00);
    hw_outb(h, 0x4d1, 0x02);
    pic_init(h, 0x01);
    hw_outb(h, M_DATA, 0x00);
    hw_outb(h, S_DATA, 0x00);
    vireo_irqchip_set_irq(chip, 9, TRUE);
    g_assert_cmpuint(vireo_pic_ack(pic), ==, 0x29);
    g_assert_false(vireo_pic_has_interrupt(pic));
    hw_outb(h, S_CMD, 0x20);
    hw_outb(h, M_CMD, 0x20);
    g_assert_true(vireo_pic_has_interrupt(pic));          /* the line is still up */
    g_assert_cmpuint(vireo_pic_ack(pic), ==, 0x29);
    vireo_irqchip_set_irq(chip, 9, FALSE);
    hw_outb(h, S_CMD, 0x20);
    hw_outb(h, M_CMD, 0x20);
    g_assert_false(vireo_pic_has_interrupt(pic));
    g_assert_cmpuint(pic_read_irr(h, S_CMD), ==, 0x00);
}

/* ---- IOAPIC ---------------------------------------------------------------- */

static guint32
ioapic_read(HwHarness *h, guint8 reg)
{
    hw_mmio_write32(h, IOREGSEL, reg);
    return hw_mmio_read32(h, IOWIN);
}

static void
ioapic_write(HwHarness *h, guint8 reg, guint32 v)
{
    hw_mmio_write32(h, IOREGSEL, reg);
    hw_mmio_write32(h, IOWIN, v);
}

static void
test_ioapic_registers(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoIrqChip) chip = create_chip(h);

    /* One vCPU: the MADT gives the IOAPIC ID 1. */
    g_assert_cmphex(ioapic_read(h, 0x00), ==, 0x01000000);
    g_assert_cmphex(ioapic_read(h, 0x01), ==, 0x00170011);
    g_assert_cmphex(ioapic_read(h, 0x02), ==, 0x01000000);
    ioapic_write(h, 0x00, 0xffffffff);
    g_assert_cmphex(ioapic_read(h, 0x00), ==, 0x0f000000);
    ioapic_write(h, 0x01, 0);
    g_assert_cmphex(ioapic_read(h, 0x01), ==, 0x00170011);
    g_assert_cmphex(hw_mmio_read32(h, IOREGSEL), ==, 0x01);
    for (guint pin = 0; pin < VIREO_IOAPIC_PINS; pin++) {
        g_assert_cmphex(ioapic_read(h, 0x10 + 2 * pin), ==, 0x00010000);
        g_assert_cmphex(ioapic_read(h, 0x11 + 2 * pin), ==, 0);
    }
    g_assert_cmphex(ioapic_read(h, 0x10 + 2 * VIREO_IOAPIC_PINS), ==, 0xffffffff);
    /* Delivery status and remote IRR are read-only; of the upper half
     * only the destination byte and the extended destination ID are kept. */
    ioapic_write(h, 0x10, 0xffffffff);
    g_assert_cmphex(ioapic_read(h, 0x10), ==, 0x0001afff);
    ioapic_write(h, 0x11, 0xffffffff);
    g_assert_cmphex(ioapic_read(h, 0x11), ==, 0xfffe0000);
    /* A machine reset masks everything again. */
    ioapic_write(h, 0x00, 0x05000000);
    vireo_irqchip_reset(chip);
    g_assert_cmphex(ioapic_read(h, 0x10), ==, 0x00010000);
    g_assert_cmphex(ioapic_read(h, 0x00), ==, 0x01000000);
}

static void
test_ioapic_msi_format(void)
{
    guint64 addr;
    guint32 data;

    /* Fixed, physical, edge: vector 0x31 to APIC ID 3. */
    vireo_ioapic_entry_msi(0x0300000000000031ull, &addr, &data);
    g_assert_cmphex(addr, ==, 0xfee03000);
    g_assert_cmphex(data, ==, 0x31);
    /* Lowest priority, logical 0x0f, level, active low. */
    vireo_ioapic_entry_msi(0x0f0000000000a941ull | (1ull << 11), &addr, &data);
    g_assert_cmphex(addr, ==, 0xfee0f004);
    g_assert_cmphex(data, ==, 0xc141);
    /* NMI delivery mode carries through. */
    vireo_ioapic_entry_msi(0x0000000000000402ull, &addr, &data);
    g_assert_cmphex(data, ==, 0x402);
    /* Extended destination ID: APIC ID 0x1234 = 0x34 + (0x12 << 8). */
    vireo_ioapic_entry_msi(0x3424000000000050ull, &addr, &data);
    g_assert_cmphex(addr, ==, 0x00001200fee34000ull);
    g_assert_cmphex(data, ==, 0x50);
}

static void
test_ioapic_edge(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoIrqChip) chip = create_chip(h);

    ioapic_write(h, 0x11 + 2 * 4, 0x02000000);
    g_assert_cmpuint(h->route_updates, ==, 0);          /* still masked */
    /* A masked edge is lost. */
    pulse(chip, 4);
    g_assert_cmpuint(hw_msi_count(h), ==, 0);
    ioapic_write(h, 0x10 + 2 * 4, 0x34);
    g_assert_cmpuint(h->route_updates, ==, 1);
    g_assert_cmphex(h->route_addr[4], ==, 0xfee02000);
    g_assert_cmphex(h->route_data[4], ==, 0x34);
    g_assert_cmpuint(hw_msi_count(h), ==, 0);
    vireo_irqchip_set_irq(chip, 4, TRUE);
    vireo_irqchip_set_irq(chip, 4, TRUE);               /* no new edge */
    g_assert_cmpuint(hw_msi_count(h), ==, 1);
    g_assert_cmphex(hw_msi(h, 0).addr, ==, 0xfee02000);
    g_assert_cmphex(hw_msi(h, 0).data, ==, 0x34);
    vireo_irqchip_set_irq(chip, 4, FALSE);
    pulse(chip, 4);
    g_assert_cmpuint(hw_msi_count(h), ==, 2);
    /* Edge entries wait for no EOI. */
    g_assert_cmphex(ioapic_read(h, 0x10 + 2 * 4) & (1u << 14), ==, 0);
    vireo_irqchip_eoi(chip, 0x34);
    g_assert_cmpuint(hw_msi_count(h), ==, 2);
    /* Masking keeps the last route (a pending EOI still needs it). */
    ioapic_write(h, 0x10 + 2 * 4, 0x10034);
    g_assert_cmpuint(h->route_updates, ==, 1);
}

static void
test_ioapic_level(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoIrqChip) chip = create_chip(h);
    VireoIoapic *io = vireo_irqchip_get_ioapic(chip);

    /* SCI: GSI 9, level, active high, masked at first. */
    ioapic_write(h, 0x10 + 2 * 9, 0x18029);
    vireo_irqchip_set_irq(chip, 9, TRUE);
    g_assert_cmpuint(hw_msi_count(h), ==, 0);
    /* Unmasking with the line up delivers, with the level bits. */
    ioapic_write(h, 0x10 + 2 * 9, 0x8029);
    g_assert_cmpuint(hw_msi_count(h), ==, 1);
    g_assert_cmphex(hw_msi(h, 0).data, ==, 0xc029);
    g_assert_cmphex(h->route_data[9], ==, 0xc029);      /* KVM knows it is level */
    g_assert_cmphex(vireo_ioapic_get_entry(io, 9) & (1u << 14), !=, 0);
    /* Remote IRR holds further deliveries until the EOI... */
    vireo_irqchip_set_irq(chip, 9, FALSE);
    vireo_irqchip_set_irq(chip, 9, TRUE);
    g_assert_cmpuint(hw_msi_count(h), ==, 1);
    /* ...an EOI of another vector changes nothing... */
    vireo_irqchip_eoi(chip, 0x30);
    g_assert_cmpuint(hw_msi_count(h), ==, 1);
    /* ...this one delivers again: the line is still asserted. */
    vireo_irqchip_eoi(chip, 0x29);
    g_assert_cmpuint(hw_msi_count(h), ==, 2);
    g_assert_cmphex(ioapic_read(h, 0x10 + 2 * 9) & (1u << 14), !=, 0);
    /* Lowered, the next EOI only clears the remote IRR. */
    vireo_irqchip_set_irq(chip, 9, FALSE);
    vireo_irqchip_eoi(chip, 0x29);
    g_assert_cmpuint(hw_msi_count(h), ==, 2);
    g_assert_cmphex(ioapic_read(h, 0x10 + 2 * 9) & (1u << 14), ==, 0);
    /* Turning a waiting entry to edge clears its remote IRR. */
    vireo_irqchip_set_irq(chip, 9, TRUE);
    g_assert_cmpuint(hw_msi_count(h), ==, 3);
    ioapic_write(h, 0x10 + 2 * 9, 0x0029);
    g_assert_cmphex(ioapic_read(h, 0x10 + 2 * 9) & (1u << 14), ==, 0);
}

static void
test_irqchip_wiring(void)
{
    g_autoptr(HwHarness) h = hw_harness_new();
    g_autoptr(VireoIrqChip) chip = create_chip(h);
    VireoPic *pic = vireo_irqchip_get_pic(chip);

    pic_init(h, 0x01);
    hw_outb(h, M_DATA, 0x00);
    /* IRQ 0 (the PIT): 8259 input 0 and IOAPIC pin 2, as the MADT says. */
    ioapic_write(h, 0x10 + 2 * 2, 0x40);
    ioapic_write(h, 0x10 + 2 * 0, 0x41);
    pulse(chip, 0);
    g_assert_cmpuint(hw_msi_count(h), ==, 1);
    g_assert_cmphex(hw_msi(h, 0).data, ==, 0x40);
    g_assert_cmpuint(vireo_pic_ack(pic), ==, 0x20);
    hw_outb(h, M_CMD, 0x20);
    /* GSI 16-23: the IOAPIC only. */
    ioapic_write(h, 0x10 + 2 * 20, 0x42);
    pulse(chip, 20);
    g_assert_cmpuint(hw_msi_count(h), ==, 2);
    g_assert_cmphex(hw_msi(h, 1).data, ==, 0x42);
    g_assert_false(vireo_pic_has_interrupt(pic));
    /* ExtINT entries are the PIC's business: no MSI. */
    ioapic_write(h, 0x10 + 2 * 3, 0x700);
    pulse(chip, 3);
    g_assert_cmpuint(hw_msi_count(h), ==, 2);
    g_assert_true(vireo_irqchip_has_extint(chip));
    g_assert_cmpuint(vireo_irqchip_ack_extint(chip), ==, 0x23);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    vireo_hw_types_init();
    g_test_add_func("/hw/pic/init-probe-mask", test_pic_init_probe);
    g_test_add_func("/hw/pic/eoi-priority", test_pic_eoi_priority);
    g_test_add_func("/hw/pic/cascade-spurious", test_pic_cascade_spurious);
    g_test_add_func("/hw/pic/aeoi-poll-level", test_pic_aeoi_poll_level);
    g_test_add_func("/hw/ioapic/registers", test_ioapic_registers);
    g_test_add_func("/hw/ioapic/msi-format", test_ioapic_msi_format);
    g_test_add_func("/hw/ioapic/edge", test_ioapic_edge);
    g_test_add_func("/hw/ioapic/level-remote-irr", test_ioapic_level);
    g_test_add_func("/hw/irqchip/wiring", test_irqchip_wiring);
    return g_test_run();
}
