"""Shared by the benchmarks' Python scripts: a command timed from spawn to
exit.

subprocess.run(..., timeout=T) waits for the child by polling waitpid()
with sleeps that double from 0.5 ms (Python 3.11's Popen._wait), so a run
that ends at 3.9 ms is seen at ~7.5 ms: a millisecond-scale command loses
most of its lead to the polling. Here the wait blocks in waitpid() and a
timer kills the command if it outlives the timeout."""
import subprocess
import threading
import time


def run_timed(argv, timeout=60, env=None):
    """Runs argv (stdout to /dev/null, stderr captured) to its exit.
    Returns (seconds from spawn to exit, exit status, stderr bytes); kills
    it and raises subprocess.TimeoutExpired when it outlives timeout."""
    expired = threading.Event()
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)

    def kill():
        expired.set()
        p.kill()

    timer = threading.Timer(timeout, kill)
    timer.start()
    try:
        err = p.stderr.read()
        p.stderr.close()
        status = p.wait()
        dt = time.perf_counter() - t0
    finally:
        timer.cancel()
    if expired.is_set():
        raise subprocess.TimeoutExpired(argv, timeout, stderr=err)
    return dt, status, err
