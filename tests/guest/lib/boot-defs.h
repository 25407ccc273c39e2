/* Constants shared by the assembly entry points and C. */
#pragma once
#define BOOT_KIND_LINUX 1          /* RSI = Linux boot_params (vireo) */
#define BOOT_KIND_PVH   2          /* EBX = hvm_start_info (QEMU PVH) */

#define GDT_CODE64 0x08
#define GDT_DATA   0x10
#define GDT_CODE32 0x18

#define CR0_PE  0x00000001
#define CR0_PG  0x80000000
#define CR4_PAE 0x00000020
#define MSR_EFER 0xC0000080
#define EFER_LME 0x00000100

/* The AP trampoline is copied here (must be below 1 MiB, 4 KiB aligned). */
#define TRAMP_BASE 0x8000
