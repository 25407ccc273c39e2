#!/usr/bin/env python3
"""bench/lifecycle/ab.py OLD_BUILD NEW_BUILD: the lifecycle cycle of
cycle.py with two `vireo` binaries, cycles alternating old/new so that a
noisy host weighs on both alike. Both use NEW_BUILD's vireo-vmm and idle
guest, so only the CLI differs. Prints the median of each step and the
CPU time of each `vireo` process (getrusage of the children).
VIREO_BENCH_CYCLES sets the cycles of each (default 40)."""
import os, resource, statistics, sys, tempfile

import shutil, subprocess

OLD, NEW = (os.path.abspath(a) for a in sys.argv[1:3])
if OLD == NEW:
    raise SystemExit('ab.py: OLD_BUILD and NEW_BUILD must differ')
sys.argv = [sys.argv[0], NEW]
HERE = os.path.dirname(os.path.abspath(__file__))
# cycle.py's helpers (domain_xml, timed, wait_line), without running it
code = open(os.path.join(HERE, 'cycle.py')).read().split('\nclass Virsh')[0]
lib = {'__name__': 'cycle'}
exec(compile(code, 'cycle.py', 'exec'), lib)
VMM = os.path.join(NEW, 'src', 'vireo-vmm')


def one_cycle(build, work):
    vireo = os.path.join(build, 'src', 'vireo')
    env = dict(os.environ, VIREO_DEFAULT_URI=f'vireo:///embed?root={work}/store',
               VIREO_VMM=VMM)
    log, xml = os.path.join(work, 'bench.serial'), os.path.join(work, 'bench.xml')
    with open(xml, 'w') as f:
        f.write(lib['domain_xml']('bench', log))
    if os.path.exists(log):
        os.unlink(log)
    row = {}

    def step(name, *args):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        row[name] = lib['timed']([vireo, '-q', *args], env)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        row[name + ' cpu'] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)

    step('define', 'define', xml)
    step('start', 'start', 'bench')
    row['first serial line'] = lib['wait_line'](log, 30)
    if row['first serial line'] is None:
        raise SystemExit(f'{build}: the guest printed nothing in 30 s')
    step('destroy', 'destroy', 'bench')
    step('undefine', 'undefine', 'bench')
    row['whole cycle'] = sum(row[s] for s in lib['STEPS'])
    return row


def main():
    n = int(os.environ.get('VIREO_BENCH_CYCLES', '40'))
    rows = {OLD: [], NEW: []}
    works = {b: tempfile.mkdtemp(prefix='vireo-ab.') for b in rows}
    try:
        for i in range(n):
            for b in ((OLD, NEW) if i % 2 == 0 else (NEW, OLD)):
                rows[b].append(one_cycle(b, works[b]))
    finally:
        for b, work in works.items():
            env = dict(os.environ, VIREO_DEFAULT_URI=f'vireo:///embed?root={work}/store')
            subprocess.run([os.path.join(b, 'src', 'vireo'), '-q', 'destroy', 'bench'],
                           env=env, check=False, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            shutil.rmtree(work, ignore_errors=True)
    print(f'{n} cycles each, alternating; medians (ms)')
    print(f'  {"":24} {"old":>9} {"new":>9}')
    for key in rows[OLD][0]:
        old = 1000 * statistics.median(r[key] for r in rows[OLD])
        new = 1000 * statistics.median(r[key] for r in rows[NEW])
        print(f'  {key:24} {old:9.2f} {new:9.2f}')


main()
