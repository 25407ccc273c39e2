/* tiny.elf's own entry points (not the library's entry.S): the fewest
 * instructions that get tiny_main() running with the page tables it needs,
 * because on kvm_pvm every guest instruction at these low addresses is
 * emulated (docs/performance.md). Nothing here zeroes .bss (tiny has none),
 * sets up an IDT (interrupts stay off) or reloads data segments (in 64-bit
 * mode their bases are ignored and nothing here loads them).
 *
 * - vireo: e_entry (_start) in 64-bit mode, RSI = Linux boot_params.
 * - QEMU: the Xen PHYS32_ENTRY note, flat 32-bit protected mode with paging
 *   off, EBX = hvm_start_info; we enable PAE + long mode ourselves.
 *
 * Both load our own identity map of the low 4 GiB (the ACPI tables and
 * registers may be anywhere below 4 GiB; the Linux 64-bit boot protocol only
 * promises the image, zero page and command line are mapped) and call
 * tiny_main(boot info pointer, TINY_BOOT_LINUX or TINY_BOOT_PVH). */
#define TINY_BOOT_LINUX 1
#define TINY_BOOT_PVH   2
#define TINY_CS64       0x08

    .section .note.Xen, "a"
    .p2align 2
    .long 4                     /* namesz: "Xen\0" */
    .long 8                     /* descsz */
    .long 18                    /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .p2align 2
    .quad tiny_pvh_entry32

    .section .text.boot32, "ax"
    .code32
tiny_pvh_entry32:
    cli
    mov %ebx, %edi              /* first argument: hvm_start_info */
    mov %cr4, %eax
    or $0x20, %eax              /* CR4.PAE */
    mov %eax, %cr4
    mov $tiny_pml4, %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx       /* EFER */
    rdmsr
    or $0x100, %eax             /* EFER.LME */
    wrmsr
    mov %cr0, %eax
    or $0x80000001, %eax        /* CR0.PG | CR0.PE */
    mov %eax, %cr0
    lgdt tiny_gdt_desc
    ljmp $TINY_CS64, $tiny_pvh_entry64

    .section .text.entry, "ax"
    .code64
tiny_pvh_entry64:
    mov %edi, %edi              /* upper half undefined after 32-bit mode */
    mov $TINY_BOOT_PVH, %esi
    jmp 1f

    .globl _start
_start:
    cli
    lea tiny_pml4(%rip), %rax
    mov %rax, %cr3
    mov %rsi, %rdi              /* first argument: boot_params */
    mov $TINY_BOOT_LINUX, %esi
1:  cld                         /* the C ABI wants DF clear */
    lea tiny_stack_top(%rip), %rsp
    call tiny_main
2:  cli
    hlt
    jmp 2b

    .data
    .p2align 3
tiny_gdt:
    .quad 0
    .quad 0x00af9a000000ffff    /* TINY_CS64: 64-bit code */
tiny_gdt_end:
tiny_gdt_desc:
    .word tiny_gdt_end - tiny_gdt - 1
    .quad tiny_gdt

    /* Identity map of the low 4 GiB in 2 MiB pages, built by the assembler
     * so that neither entry spends instructions on it. */
    .section .data.pagetables, "aw"
    .p2align 12
tiny_pml4:
    .quad tiny_pdpt + 0x3
    .fill 511, 8, 0
tiny_pdpt:
    .quad tiny_pd + 0x0003
    .quad tiny_pd + 0x1003
    .quad tiny_pd + 0x2003
    .quad tiny_pd + 0x3003
    .fill 508, 8, 0
tiny_pd:
    .set page, 0
    .rept 2048
    .quad (page << 21) | 0x83
    .set page, page + 1
    .endr

    .section .stacks, "aw", @nobits
    .p2align 12
    .skip 4096
tiny_stack_top:
