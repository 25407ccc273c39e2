# bench/lifecycle
