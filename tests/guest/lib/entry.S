/* vireo test guests: the two ways in.
 *
 * - PVH (QEMU -kernel with an ELF): the Xen PHYS32_ENTRY note points at
 *   pvh_entry32, entered in flat 32-bit protected mode, paging off,
 *   EBX = hvm_start_info. We enable long mode ourselves.
 * - vireo: e_entry (_start) is entered in 64-bit long mode with the low
 *   4 GiB identity mapped and RSI = Linux boot_params.
 *
 * Both zero .bss, switch to our own GDT and page tables (so the AP
 * trampoline can reuse them) and call guest_start(). */
#include "boot-defs.h"

    .section .note.Xen, "a"
    .p2align 2
    .long 4                     /* namesz: "Xen\0" */
    .long 8                     /* descsz */
    .long 18                    /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .p2align 2
    .quad pvh_entry32

    .section .text.boot32, "ax"
    .code32
    .globl pvh_entry32
pvh_entry32:
    cli
    cld
    mov %ebx, %esi
    /* Did the loader hand over a zeroed .bss? (Both ends 16-aligned.) */
    mov $__bss_start, %edi
    mov $__bss_end, %ecx
    sub %edi, %ecx
    shr $2, %ecx
    xor %eax, %eax              /* ZF=1: an empty .bss counts as zero */
    repe scasl
    setne %dl                   /* stopped at a non-zero dword */
    movzbl %dl, %edx
    mov $__bss_start, %edi
    mov $__bss_end, %ecx
    sub %edi, %ecx
    rep stosb
    mov %edx, bss_dirty_at_entry
    mov %esi, boot_info_ptr
    movl $BOOT_KIND_PVH, boot_kind
    lgdt gdt_desc
    mov %cr4, %eax
    or $CR4_PAE, %eax
    mov %eax, %cr4
    mov $pml4, %eax
    mov %eax, %cr3
    mov $MSR_EFER, %ecx
    rdmsr
    or $EFER_LME, %eax
    wrmsr
    mov %cr0, %eax
    or $(CR0_PG | CR0_PE), %eax
    mov %eax, %cr0
    ljmp $GDT_CODE64, $entry64_common

    .section .text.entry, "ax"
    .code64
    .globl _start
_start:
    cli
    cld
    mov %rsi, %r8
    /* Did the loader hand over a zeroed .bss? (Both ends 16-aligned.) */
    lea __bss_start(%rip), %rdi
    lea __bss_end(%rip), %rcx
    sub %rdi, %rcx
    shr $3, %rcx
    xor %eax, %eax              /* ZF=1: an empty .bss counts as zero */
    repe scasq
    setne %r9b                  /* stopped at a non-zero quadword */
    movzbl %r9b, %r9d
    lea __bss_start(%rip), %rdi
    lea __bss_end(%rip), %rcx
    sub %rdi, %rcx
    rep stosb
    mov %r9d, bss_dirty_at_entry(%rip)
    mov %r8, boot_info_ptr(%rip)
    movl $BOOT_KIND_LINUX, boot_kind(%rip)
    lgdt gdt_desc(%rip)
    lea pml4(%rip), %rax
    mov %rax, %cr3
    /* Reload CS from our GDT: the IDT gates name GDT_CODE64. */
    pushq $GDT_CODE64
    lea entry64_common(%rip), %rax
    push %rax
    lretq

entry64_common:
    mov $GDT_DATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %eax, %eax
    mov %ax, %fs
    mov %ax, %gs
    lea bsp_stack_top(%rip), %rsp
    xor %ebp, %ebp
    call guest_start
1:  cli
    hlt
    jmp 1b

    .data
    .p2align 3
    .globl boot_info_ptr, boot_kind, bss_dirty_at_entry
boot_info_ptr: .quad 0
boot_kind:     .long 0
/* 1 when .bss was not all zero at entry: the loader must zero it (the ELF
 * p_memsz past p_filesz), on a first boot and after a reset alike. */
bss_dirty_at_entry: .long 0
    .p2align 4
    .globl gdt, gdt_desc
gdt:
    .quad 0
    .quad 0x00af9a000000ffff    /* GDT_CODE64 */
    .quad 0x00cf92000000ffff    /* GDT_DATA */
    .quad 0x00cf9a000000ffff    /* GDT_CODE32 */
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .quad gdt

    /* Identity map of the low 4 GiB with 2 MiB pages, built by the
     * assembler so neither entry path has to construct it. */
    .section .data.pagetables, "aw"
    .p2align 12
    .globl pml4
pml4:
    .quad pdpt + 0x3
    .fill 511, 8, 0
pdpt:
    .quad pd + 0x0003
    .quad pd + 0x1003
    .quad pd + 0x2003
    .quad pd + 0x3003
    .fill 508, 8, 0
pd:
    .set page, 0
    .rept 2048
    .quad (page << 21) | 0x83
    .set page, page + 1
    .endr

    .section .stacks, "aw", @nobits
    .p2align 12
bsp_stack:
    .skip 32768
bsp_stack_top:
