/* vireo: CPU models QEMU 7.2 (the host's reference QEMU) does not define yet,
 * written by hand from QEMU 8.0's definition. "@Model" pulls in another
 * model's features. */
#include <config.h>
#include "machine/cpu-features.h"

const VireoCpuModelInfo vireo_cpu_model_extra_table[] = {
    { "SapphireRapids", "GenuineIntel", 6, 143, 4,
      "Intel Xeon Processor (SapphireRapids)", 0x20, 0x80000008,
      "@Icelake-Server amx-bf16 amx-int8 amx-tile avx-vnni avx512-bf16 "
      "avx512-fp16 serialize tsx-ldtrk fsrm xfd bus-lock-detect xsaves "
      "md-clear" },
    { NULL },
};
