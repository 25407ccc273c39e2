#!/usr/bin/env python3
"""bench/lifecycle/phases.py BUILDDIR: where each step of cycle.py's vireo
cycle goes, from kernel tracepoints recorded with `perf record -a` while
the cycles run (needs root and perf; no strace, so the processes run at
full speed). Prints the median of each phase over the cycles (ms):

  define, undefine  vireo exec -> exit, and the time in fsync
  start    vireo exec -> fork of the monitor     vireo's start-up and checks
           -> vireo-vmm exec                     monitor, posix_spawn
           -> both QMP sockets listen            vireo-vmm's start-up
           -> accept on the monitor socket       vireo-vmm builds the VM (it
                                                 listens before, accepts after)
           -> vireo exit                         greeting, report, run.ini
  destroy  vireo exec -> SIGTERM                 vireo's start-up and lookup
           -> a VMM thread exits                 vireo-vmm's reaction
           -> the VMM is gone (SIGCHLD sent)     kernel tear-down of the VM
           -> vireo exit                         finalise, exit

VIREO_BENCH_CYCLES sets the number of cycles (default 20)."""
import os, re, shutil, signal, statistics, subprocess, sys, tempfile, time

BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else '.')
HERE = os.path.dirname(os.path.abspath(__file__))
sys.argv = [sys.argv[0], BUILD]
# cycle.py's helpers (domain_xml, timed, wait_line), without running it
code = open(os.path.join(HERE, 'cycle.py')).read().split('\nclass Virsh')[0]
lib = {'__name__': 'cycle'}
exec(compile(code, 'cycle.py', 'exec'), lib)
VIREO = os.path.join(BUILD, 'src', 'vireo')
VMM = os.path.join(BUILD, 'src', 'vireo-vmm')
CYCLES = int(os.environ.get('VIREO_BENCH_CYCLES', '20'))
EVENTS = ['sched:sched_process_exec', 'sched:sched_process_fork',
          'sched:sched_process_exit', 'syscalls:sys_exit_listen',
          'syscalls:sys_exit_accept4', 'syscalls:sys_enter_fsync',
          'syscalls:sys_exit_fsync']
SIGNALS = ['-e', 'signal:signal_generate', '--filter', 'sig == 15 || sig == 17']


def blocker():
    if os.geteuid() != 0:
        return 'needs root (perf record -a of tracepoints)'
    if not shutil.which('perf'):
        return 'perf is not installed'
    probe = subprocess.run(['perf', 'record', '-q', '-a', '-o', '/dev/null', '-e',
                            ','.join(EVENTS), *SIGNALS, '--', 'true'],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if probe.returncode != 0:
        return 'perf cannot record tracepoints here: ' + probe.stderr.strip()[-200:]
    return None


def run_cycles(work):
    env = dict(os.environ, VIREO_DEFAULT_URI=f'vireo:///embed?root={work}/store',
               VIREO_VMM=VMM)
    log, xml = os.path.join(work, 'bench.serial'), os.path.join(work, 'bench.xml')
    with open(xml, 'w') as f:
        f.write(lib['domain_xml']('bench', log))
    for _ in range(CYCLES):
        if os.path.exists(log):
            os.unlink(log)
        for args in (['define', xml], ['start', 'bench']):
            subprocess.run([VIREO, '-q', *args], env=env, check=True)
        if lib['wait_line'](log, 30) is None:
            raise SystemExit('the guest printed nothing in 30 s')
        for args in (['destroy', 'bench'], ['undefine', 'bench']):
            subprocess.run([VIREO, '-q', *args], env=env, check=True)


LINE = re.compile(r'^\s*(-?\d+)/(-?\d+)\s+([\d.]+):\s+(\S+):\s*(.*)$')


def parse(path):
    out = subprocess.run(['perf', 'script', '-i', path, '-F', 'pid,tid,time,event,trace'],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    events = []
    for line in out.splitlines():
        m = LINE.match(line)
        if m:
            events.append((float(m.group(3)), int(m.group(1)), int(m.group(2)),
                           m.group(4), m.group(5)))
    return events


def field(trace, name):
    m = re.search(name + r'=(\S+)', trace)
    return m.group(1) if m else None


def phases(events):
    """Per step kind, a list of {phase: seconds}."""
    steps = []          # (kind, pid, exec time)
    proc = {}           # pid -> step dict
    vmm_of = {}         # monitor pid -> step; vmm pid -> step
    kinds = ['define', 'start', 'destroy', 'undefine']
    out = {k: [] for k in kinds}
    for t, pid, tid, ev, tr in events:
        if ev == 'sched:sched_process_exec':
            fn = field(tr, 'filename')
            if fn == VIREO:
                kind = kinds[len(steps) % 4]
                st = {'kind': kind, 'exec': t, 'fsync': 0.0}
                steps.append(st)
                proc[pid] = st
            elif fn == VMM:
                st = vmm_of.get(pid)
                if st:
                    st['vmm_exec'] = t
                    st['vmm_pid'] = pid
                    proc[pid] = st
        elif ev == 'sched:sched_process_fork':
            parent, child = int(field(tr, ' pid') or 0), int(field(tr, 'child_pid') or 0)
            st = proc.get(parent)
            if st and st['kind'] == 'start' and 'fork' not in st:
                st['fork'] = t
                st['monitor'] = child
                proc[child] = st
            elif st and st['kind'] == 'start' and parent == st.get('monitor'):
                vmm_of[child] = st
        elif ev == 'syscalls:sys_exit_listen':
            st = proc.get(pid)
            if st and pid == st.get('vmm_pid'):
                st['listen'] = t
        elif ev == 'syscalls:sys_exit_accept4':
            st = proc.get(pid)
            if st and pid == st.get('vmm_pid') and 'accept' not in st:
                st['accept'] = t
        elif ev == 'syscalls:sys_enter_fsync':
            st = proc.get(pid)
            if st:
                st['fsync_from'] = t
        elif ev == 'syscalls:sys_exit_fsync':
            st = proc.get(pid)
            if st and 'fsync_from' in st:
                st['fsync'] += t - st.pop('fsync_from')
        elif ev == 'sched:sched_process_exit':
            st = proc.get(pid)
            if not st:
                continue
            if pid == tid and st.get('exec') is not None and pid not in (
                    st.get('monitor'), st.get('vmm_pid')) and 'exit' not in st:
                st['exit'] = t
    # destroy: the VMM of the start before it. SIGTERM sent to it, its
    # first thread's exit, then SIGCHLD to its monitor: sent when the last
    # thread is through exit_files, i.e. after the kernel tore the VM down.
    by_vmm, by_mon = {}, {}
    for st in steps:
        if st['kind'] == 'start' and 'vmm_pid' in st:
            by_vmm[st['vmm_pid']] = st
            by_mon[st['monitor']] = st
    for t, pid, tid, ev, tr in events:
        if ev == 'sched:sched_process_exit' and pid in by_vmm:
            by_vmm[pid].setdefault('vmm_first_exit', t)
        elif ev == 'signal:signal_generate':
            target, sig = int(field(tr, ' pid') or 0), field(tr, 'sig')
            if sig == '15' and target in by_vmm:
                by_vmm[target].setdefault('sigterm', t)
            elif sig == '17' and target in by_mon:
                by_mon[target].setdefault('vmm_gone', t)
    for i, st in enumerate(steps):
        k = st['kind']
        if 'exit' not in st:
            continue
        row = {}
        if k in ('define', 'undefine'):
            row = {'vireo exec -> exit': st['exit'] - st['exec'], 'of which fsync': st['fsync']}
        elif k == 'start' and all(x in st for x in ('fork', 'vmm_exec', 'listen', 'accept')):
            row = {'vireo exec -> monitor forked': st['fork'] - st['exec'],
                   '-> vireo-vmm exec': st['vmm_exec'] - st['fork'],
                   '-> QMP sockets listen': st['listen'] - st['vmm_exec'],
                   '-> accept (monitor socket)': st['accept'] - st['listen'],
                   '-> vireo exit': st['exit'] - st['accept'],
                   'vireo exec -> exit': st['exit'] - st['exec']}
        elif k == 'destroy' and i >= 1:
            s = steps[i - 1]
            term, first, gone = s.get('sigterm'), s.get('vmm_first_exit'), s.get('vmm_gone')
            if term and first and gone:
                row = {'vireo exec -> SIGTERM': term - st['exec'],
                       '-> a VMM thread exits': first - term,
                       '-> VMM gone (SIGCHLD; tear-down)': gone - first,
                       '-> vireo exit': st['exit'] - gone,
                       'vireo exec -> exit': st['exit'] - st['exec']}
        if row:
            out[k].append(row)
    return out


def main():
    why = blocker()
    if why:
        print(f'bench/lifecycle/phases.py: skipped: {why}')
        return
    work = tempfile.mkdtemp(prefix='vireo-phases.')
    data = os.path.join(work, 'perf.data')
    perf = subprocess.Popen(['perf', 'record', '-q', '-a', '-o', data, '-e', ','.join(EVENTS),
                             *SIGNALS],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.0)     # perf's start-up, so the first cycle is seen
        run_cycles(work)
    finally:
        perf.send_signal(signal.SIGINT)
        perf.wait(timeout=60)
        env = dict(os.environ, VIREO_DEFAULT_URI=f'vireo:///embed?root={work}/store')
        subprocess.run([VIREO, '-q', 'destroy', 'bench'], env=env, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        res = phases(parse(data))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f'vireo lifecycle phases, {CYCLES} cycles, medians (ms), from kernel tracepoints')
    for kind, rows in res.items():
        if not rows:
            print(f'  {kind}: no complete record')
            continue
        print(f'  {kind} ({len(rows)} records)')
        for key in rows[0]:
            print(f'    {key:34} {1000 * statistics.median(r[key] for r in rows):8.2f}')


main()
