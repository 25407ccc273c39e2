# bench/boot
