# bench/qmp
