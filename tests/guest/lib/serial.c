/* COM1 by polling: every line a guest prints goes through here, so it
 * works before (and without) interrupts. When IIR shows the 16550A's FIFO
 * is on, one THRE observation allows 16 bytes: half the port exits of a
 * byte-by-byte loop, which is most of a small guest's run time. */
#include "guest.h"

#define UART_THR 0
#define UART_IER 1
#define UART_IIR 2
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_DLL 0
#define UART_DLM 1
#define LSR_THRE 0x20
#define FIFO_SIZE 16

static unsigned tx_burst = 1;
static unsigned tx_room;            /* bytes we may write before polling LSR */

void serial_init(void)
{
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, 0x80);        /* DLAB: divisor 1 = 115200 baud */
    outb(COM1 + UART_DLL, 0x01);
    outb(COM1 + UART_DLM, 0x00);
    outb(COM1 + UART_LCR, 0x03);        /* 8N1 */
    outb(COM1 + UART_FCR, 0x07);        /* FIFO on, both cleared */
    outb(COM1 + UART_MCR, 0x0b);        /* DTR, RTS, OUT2 (IRQ gate) */
    tx_burst = (inb(COM1 + UART_IIR) & 0xc0) == 0xc0 ? FIFO_SIZE : 1;
    tx_room = 0;
}

void serial_putc(char c)
{
    if (!tx_room) {
        /* Bounded wait: a VMM whose LSR never shows THRE must not hang us. */
        for (unsigned i = 0; i < 1000000 && !(inb(COM1 + UART_LSR) & LSR_THRE); i++)
            cpu_relax();
        tx_room = tx_burst;
    }
    tx_room--;
    outb(COM1 + UART_THR, (u8)c);
}

/* Someone else (an interrupt-driven test) wrote THR: poll again first. */
void serial_sync(void)
{
    tx_room = 0;
}

void serial_puts(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            serial_putc('\r');
        serial_putc(*s);
    }
}
