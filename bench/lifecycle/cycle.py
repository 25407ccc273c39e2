#!/usr/bin/env python3
"""bench/lifecycle: a domain's whole life, step by step.

  define -> start -> first serial line -> destroy -> undefine

vireo: one `vireo` process per step on a private vireo:///embed store,
the guest is tests/cli/idle.elf and "first serial line" is the time from
`start` returning until its serial log holds a full line.
virsh -c test:///default: the same steps inside one interactive virsh (the
test driver only lives as long as virsh); it has no guest, so no serial
line. libvirt + QEMU: virsh -c qemu:///embed (libvirt's QEMU driver inside
virsh, no daemon), same guest, when libvirt's QEMU driver is installed.
Prints the median of each step, the median cycle and cycles per second."""
import os, re, shutil, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from benchlib import run_timed  # noqa: E402

BUILD = sys.argv[1]
VIREO = os.path.join(BUILD, 'src', 'vireo')
GUEST = os.path.join(BUILD, 'tests', 'cli', 'idle.elf')
CYCLES = int(os.environ.get('VIREO_BENCH_CYCLES', '30'))
QEMU_CYCLES = int(os.environ.get('VIREO_BENCH_QEMU_CYCLES', '3'))
STEPS = ['define', 'start', 'first serial line', 'destroy', 'undefine']
# VIREO_BENCH_RUN_TMPFS=DIR puts the store's run/ on DIR (/dev/shm): the
# development hosts keep /tmp on an ext4 mounted with discard, where
# removing a run directory or an fsynced config waits for a discard.
RUN_TMPFS = os.environ.get('VIREO_BENCH_RUN_TMPFS', '')


def domain_xml(name, serial_log, vtype='kvm'):
    return f"""<domain type='{vtype}'>
  <name>{name}</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>{GUEST}</kernel>
    <cmdline>console=ttyS0</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <devices>
    <serial type='pty'><log file='{serial_log}'/><target port='0'/></serial>
  </devices>
</domain>
"""


def wait_line(path, timeout):
    """Seconds until path holds a whole line, or None."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        try:
            with open(path, 'rb') as f:
                if b'\n' in f.read(4096):
                    return time.perf_counter() - t0
        except OSError:
            pass
        time.sleep(0.0002)
    return None


def timed(argv, env):
    dt, status, err = run_timed(argv, env=env)
    if status != 0:
        raise subprocess.CalledProcessError(status, argv, stderr=err)
    return dt


def vireo_cycles(work):
    env = dict(os.environ, VIREO_DEFAULT_URI=f'vireo:///embed?root={work}/store',
               VIREO_VMM=os.path.join(BUILD, 'src', 'vireo-vmm'))
    if RUN_TMPFS:
        # the store's runtime half on tmpfs, as /run is for vireo:///system
        os.makedirs(os.path.join(work, 'store'))
        os.symlink(tempfile.mkdtemp(prefix='vireo-bench-run.', dir=RUN_TMPFS),
                   os.path.join(work, 'store', 'run'))
    log = os.path.join(work, 'bench.serial')
    xml = os.path.join(work, 'bench.xml')
    with open(xml, 'w') as f:
        f.write(domain_xml('bench', log))
    rows = []
    for _ in range(CYCLES):
        if os.path.exists(log):
            os.unlink(log)
        row = {'define': timed([VIREO, '-q', 'define', xml], env),
               'start': timed([VIREO, '-q', 'start', 'bench'], env)}
        row['first serial line'] = wait_line(log, 30)
        row['destroy'] = timed([VIREO, '-q', 'destroy', 'bench'], env)
        row['undefine'] = timed([VIREO, '-q', 'undefine', 'bench'], env)
        if row['first serial line'] is None:
            raise SystemExit('vireo: the guest printed nothing in 30 s')
        rows.append(row)
    return rows


class Virsh:
    """An interactive virsh -t; each command's time as virsh measures it."""
    def __init__(self, uri):
        self.p = subprocess.Popen(['virsh', '-t', '-c', uri], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, bufsize=1)

    def run(self, cmd):
        t0 = time.perf_counter()
        self.p.stdin.write(cmd + '\n')
        self.p.stdin.flush()
        out = []
        for line in self.p.stdout:
            out.append(line)
            if line.startswith('(Time:'):
                break
        wall = time.perf_counter() - t0
        text = ''.join(out)
        if 'error:' in text:
            raise RuntimeError(f'virsh {cmd}: {text}')
        return wall

    def close(self):
        self.p.stdin.write('quit\n')
        self.p.stdin.close()
        self.p.wait(timeout=60)


def virsh_test_cycles(work):
    xml = os.path.join(work, 'test.xml')
    with open(xml, 'w') as f:
        f.write(domain_xml('bench', os.path.join(work, 'unused.serial'), 'test'))
    v = Virsh('test:///default')
    rows = []
    for _ in range(CYCLES):
        rows.append({'define': v.run(f'define {xml}'), 'start': v.run('start bench'),
                     'destroy': v.run('destroy bench'), 'undefine': v.run('undefine bench')})
    v.close()
    return rows


def qemu_blocker():
    if not shutil.which('virsh') or not shutil.which('qemu-system-x86_64'):
        return 'virsh or qemu-system-x86_64 missing'
    if not os.path.exists('/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so'):
        return "libvirt's QEMU driver is not installed (libvirt-daemon-driver-qemu)"
    try:
        import pwd
        pwd.getpwnam('libvirt-qemu')
    except KeyError:
        return "libvirt's QEMU driver needs the user libvirt-qemu, which does not exist"
    return None


def qemu_cycles(work):
    root = os.path.join(work, 'qemu-embed')
    os.makedirs(os.path.join(root, 'etc'))
    with open(os.path.join(root, 'etc', 'qemu.conf'), 'w') as f:
        # no virtlogd (no daemon here), no relabelling: closest to vireo
        f.write('user = "root"\ngroup = "root"\nsecurity_driver = "none"\nstdio_handler = "file"\n')
    log = os.path.join(work, 'qemu.serial')
    xml = os.path.join(work, 'qemu.xml')
    with open(xml, 'w') as f:
        f.write(domain_xml('bench', log))
    v = Virsh(f'qemu:///embed?root={root}')
    v.run('list')   # the driver's start-up (capabilities probe) is not a step
    rows = []
    for _ in range(QEMU_CYCLES):
        if os.path.exists(log):
            os.unlink(log)
        row = {'define': v.run(f'define {xml}'), 'start': v.run('start bench')}
        row['first serial line'] = wait_line(log, 60)
        row['destroy'] = v.run('destroy bench')
        row['undefine'] = v.run('undefine bench')
        rows.append(row)
    v.close()
    return rows


def ms(x):
    return '-' if x is None else f'{x * 1000:9.2f}'


def report(name, rows):
    print(f'\n{name}: {len(rows)} cycles, median and worst of each step (ms)')
    totals = []
    for r in rows:
        if all(r.get(s) is not None for s in r):
            totals.append(sum(r.values()))
    med = {}
    for s in STEPS:
        vals = [r[s] for r in rows if r.get(s) is not None]
        med[s] = statistics.median(vals) if vals else None
        if s in rows[0]:
            print(f'  {s:18} {ms(med[s])} {ms(max(vals) if vals else None)}')
    cycle = statistics.median(totals) if totals else None
    print(f'  {"whole cycle":18} {ms(cycle)}')
    if totals:
        print(f'  cycles per second  {len(totals) / sum(totals):9.2f} '
              f'(from the median cycle: {1 / cycle:.2f})')
    slow = [r['destroy'] for r in rows if r['destroy'] > 9.5]
    if slow:
        print(f'  destroys that waited 10 s for SIGKILL (vireo-vmm ignored SIGTERM): {len(slow)}')
    return cycle


def main():
    work = tempfile.mkdtemp(prefix='vireo-bench-lifecycle.')
    try:
        vireo = report('vireo (one process per step' +
                       (f', run/ on {RUN_TMPFS})' if RUN_TMPFS else ')'), vireo_cycles(work))
        print(f'  target: a whole cycle under 50 ms: {"met" if vireo < 0.050 else "NOT met"}')
        if shutil.which('virsh'):
            report("virsh -c test:///default (in one process; no guest, no serial line)",
                   virsh_test_cycles(work))
        blocker = qemu_blocker() or (QEMU_CYCLES <= 0 and 'VIREO_BENCH_QEMU_CYCLES=0')
        if blocker:
            print(f'\nlibvirt + QEMU: skipped: {blocker}')
        else:
            try:
                q = report('libvirt + QEMU 7.2 (virsh -c qemu:///embed, in one process)',
                           qemu_cycles(work))
                if q:
                    print(f'  vireo whole cycle / libvirt+QEMU whole cycle: {vireo / q:.3f}')
            except (RuntimeError, subprocess.SubprocessError, OSError) as e:
                print(f'\nlibvirt + QEMU: failed: {e}')
    finally:
        env = dict(os.environ, VIREO_DEFAULT_URI=f'vireo:///embed?root={work}/store')
        subprocess.run([VIREO, '-q', 'destroy', 'bench'], env=env, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        run = os.path.join(work, 'store', 'run')
        if os.path.islink(run):
            shutil.rmtree(os.path.realpath(run), ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


main()
