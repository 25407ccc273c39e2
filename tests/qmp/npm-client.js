// A third-party QMP client (npm's qemu-qmp) driving a QMP server: prints
// TAP lines without numbers (npm-client.sh numbers them and adds the plan).
// usage: node npm-client.js MODULE_DIR SOCKET LABEL [--running-guest]
'use strict';
const path = require('path');
const QMP = require(path.join(process.argv[2], 'qemu-qmp'));
const sock = process.argv[3];
const label = process.argv[4];

function ok(cond, what, detail) {
  console.log((cond ? 'ok' : 'not ok') + ' - ' + label + ': ' + what);
  if (!cond && detail !== undefined)
    console.log('# ' + JSON.stringify(detail));
}

function exec(qmp, cmd, args) {
  return new Promise((resolve) => {
    qmp.execute(cmd, args || null, (err, ret) => resolve({ err, ret }));
  });
}

function nextEvent(qmp, name, ms) {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    qmp.once(name, () => { clearTimeout(t); resolve(true); });
  });
}

const watchdog = setTimeout(() => { ok(false, 'finished within 20 s'); process.exit(1); }, 20000);
const qmp = new QMP();
qmp.connect(sock, async (err) => {
  if (err) { ok(false, 'connect', String(err)); process.exit(1); }
  ok(qmp.version && qmp.version.qemu.major === 7, 'greeting parsed (QEMU 7 protocol)', qmp.version);
  ok(Array.isArray(qmp.capabilities), 'capabilities announced', qmp.capabilities);
  let r = await exec(qmp, 'query-status');
  ok(!r.err && r.ret.status === 'prelaunch' && r.ret.running === false, 'query-status: prelaunch', r);
  r = await exec(qmp, 'query-version');
  ok(!r.err && typeof r.ret.package === 'string', 'query-version', r);
  r = await exec(qmp, 'query-commands');
  const names = r.ret ? r.ret.map((c) => c.name) : [];
  ok(['stop', 'cont', 'quit', 'query-status'].every((n) => names.includes(n)), 'query-commands', names.length);
  r = await exec(qmp, 'query-cpus-fast');
  ok(!r.err && r.ret.length >= 1 && r.ret[0]['qom-path'] === '/machine/unattached/device[0]' &&
     Number.isInteger(r.ret[0]['thread-id']), 'query-cpus-fast', r);
  r = await exec(qmp, 'no-such-command');
  ok(r.err && /has not been found/.test(r.err.message), 'unknown command is an error', String(r.err));
  r = await exec(qmp, 'query-status', { verbose: true });
  ok(r.err && r.err.message === "Parameter 'verbose' is unexpected", 'unexpected argument', String(r.err));
  let ev = nextEvent(qmp, 'resume', 3000);
  r = await exec(qmp, 'cont');
  ok(!r.err && await ev, 'cont: RESUME event and reply', r);
  r = await exec(qmp, 'query-status');
  ok(!r.err && r.ret.running === true, 'query-status: running', r);
  ev = nextEvent(qmp, 'stop', 3000);
  r = await exec(qmp, 'stop');
  ok(!r.err && await ev, 'stop: STOP event and reply', r);
  ev = nextEvent(qmp, 'reset', 3000);
  r = await exec(qmp, 'system_reset');
  ok(!r.err && await ev, 'system_reset: RESET event and reply', r);
  ev = nextEvent(qmp, 'shutdown', 3000);
  const closed = new Promise((resolve) => qmp.once('close', () => resolve(true)));
  r = await exec(qmp, 'quit');
  ok(!r.err && await ev, 'quit: SHUTDOWN event and reply', r);
  ok(await closed, 'connection closed after quit');
  clearTimeout(watchdog);
});
