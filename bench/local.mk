# benchmarks: run with make bench
