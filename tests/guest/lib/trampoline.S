/* Application processor start-up code. smp.c copies [tramp_start,
 * tramp_end) to TRAMP_BASE and sends SIPI with vector TRAMP_BASE >> 12:
 * the AP starts in real mode at CS = TRAMP_BASE >> 4, IP = 0, and walks
 * real -> protected -> long mode like a BIOS-less OS would. Every address
 * is computed relative to TRAMP_BASE, since this runs from the copy. */
#include "boot-defs.h"

#define T(sym) ((sym) - tramp_start + TRAMP_BASE)

    .section .rodata.trampoline, "a"
    .globl tramp_start, tramp_end
    .globl tramp_cr3, tramp_stack, tramp_entry
    .code16
tramp_start:
    cli
    cld
    mov %cs, %ax
    mov %ax, %ds
    lgdtl tramp_gdt_desc - tramp_start
    mov %cr0, %eax
    or $CR0_PE, %eax
    mov %eax, %cr0
    ljmpl $GDT_CODE32, $T(tramp32)

    .code32
tramp32:
    mov $GDT_DATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %cr4, %eax
    or $CR4_PAE, %eax
    mov %eax, %cr4
    mov T(tramp_cr3), %eax
    mov %eax, %cr3
    mov $MSR_EFER, %ecx
    rdmsr
    or $EFER_LME, %eax
    wrmsr
    mov %cr0, %eax
    or $CR0_PG, %eax
    mov %eax, %cr0
    ljmp $GDT_CODE64, $T(tramp64)

    .code64
tramp64:
    mov T(tramp_stack), %rsp
    xor %ebp, %ebp
    mov T(tramp_entry), %rax
    call *%rax
1:  cli
    hlt
    jmp 1b

    .p2align 3
tramp_gdt:
    .quad 0
    .quad 0x00af9a000000ffff
    .quad 0x00cf92000000ffff
    .quad 0x00cf9a000000ffff
tramp_gdt_end:
tramp_gdt_desc:
    .word tramp_gdt_end - tramp_gdt - 1
    .long T(tramp_gdt)
    .p2align 3
tramp_cr3:   .quad 0
tramp_stack: .quad 0
tramp_entry: .quad 0
tramp_end:
