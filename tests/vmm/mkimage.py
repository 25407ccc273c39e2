#!/usr/bin/env python3
"""Writes small kernel images for the vireo-vmm tests.

  mkimage.py elf64 OUT HEXCODE   ELF64 executable: HEXCODE loaded and entered at 1 MiB
  mkimage.py elf32 OUT           a 32-bit ELF header (vireo must refuse it)
  mkimage.py bzimage-truncated OUT   a bzImage header that promises more than the file has
  mkimage.py garbage OUT         neither ELF nor bzImage
"""
import struct
import sys

LOAD = 0x100000


def elf64(code):
    ehsize, phsize = 64, 56
    off = ehsize + phsize
    eh = struct.pack('<4sBBBBB7xHHIQQQIHHHHHH', b'\x7fELF', 2, 1, 1, 0, 0,
                     2, 62, 1, LOAD, ehsize, 0, 0, ehsize, phsize, 1, 64, 0, 0)
    ph = struct.pack('<IIQQQQQQ', 1, 5, off, LOAD, LOAD, len(code), len(code), 0x1000)
    return eh + ph + code


def elf32():
    return struct.pack('<4sBBBBB7xHHIIIIIHHHHHH', b'\x7fELF', 1, 1, 1, 0, 0,
                       2, 3, 1, LOAD, 52, 0, 0, 52, 32, 1, 40, 0, 0) + bytes(64)


def bzimage_truncated():
    img = bytearray(0x1000)
    img[0x1f1] = 1                                   # setup_sects
    struct.pack_into('<I', img, 0x1f4, 0x10000)      # syssize: 1 MiB, file is 4 KiB
    struct.pack_into('<H', img, 0x1fe, 0xaa55)
    img[0x201] = 0x66
    img[0x202:0x206] = b'HdrS'
    struct.pack_into('<H', img, 0x206, 0x020f)
    img[0x211] = 1
    struct.pack_into('<H', img, 0x236, 1)
    return bytes(img)


def main():
    kind, out = sys.argv[1], sys.argv[2]
    if kind == 'elf64':
        data = elf64(bytes.fromhex(sys.argv[3]))
    elif kind == 'elf32':
        data = elf32()
    elif kind == 'bzimage-truncated':
        data = bzimage_truncated()
    else:
        data = b'this is not a kernel\n' * 50
    with open(out, 'wb') as f:
        f.write(data)


if __name__ == '__main__':
    main()
