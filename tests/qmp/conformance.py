"""QMP conformance, written once and run against QEMU 7.2 and vireo.

Every case is a scripted exchange on a fresh target. The expected
transcripts (tests/qmp/conformance.expected) were recorded from
qemu-system-x86_64 -S -nodefaults -machine pc,accel=kvm -m 128; each run
checks QEMU still says exactly that, then that vireo-vmm (the real runtime,
paused on the ticker guest) says the same. Where vireo differs on
purpose, the case names the difference and the vireo transcript is kept
under "vireo:<case>"; the difference must be listed in docs/qmp.md (this test
reads it). Regenerate with VIREO_TEST_REGENERATE_OUTPUT=1 (needs QEMU).

usage: conformance.py SRCDIR BUILDDIR
"""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qmpconf as q  # noqa: E402

NEGOTIATE = '{"execute": "qmp_capabilities"}\n'


def negotiated(t, i=0):
    c = t.connect(i)
    c.readline()
    assert q.exchange(c, NEGOTIATE) == ['{"return": {}}']
    return c


def run_lines(c, lines):
    out = []
    for item in lines:
        text, replies = (item, 1) if not isinstance(item, tuple) else item
        if isinstance(text, bytes):
            shown = text.decode("latin-1")
        else:
            shown = text if isinstance(text, str) else "".join(text)
        out.append("> " + shown.rstrip("\n").replace("\n", "\\n"))
        out += ["< " + x for x in q.exchange(c, text, replies)]
    return out


def case_greeting(t):
    c = t.connect()
    line = c.readline()
    line = re.sub(r'"micro": \d+', '"micro": M', line.rstrip("\r"))
    return ["< " + re.sub(r'"package": "[^"]*"', '"package": PKG', line)]


def case_negotiation(t):
    c = t.connect()
    c.readline()
    return run_lines(c, [
        '{"execute": "query-status"}\n',
        '{"execute": "query-status", "id": "x"}\n',
        '{"execute": "no-such-command"}\n',
        '{"execute": "stop"}\n',
        '[1]\n',
        '{"execute": "qmp_capabilities", "id": 1}\n',
        '{"execute": "qmp_capabilities"}\n',
        '{"execute": "qmp_capabilities", "arguments": {"enable": ["oob"]}}\n',
    ])


def case_ids(t):
    c = negotiated(t)
    ids = ['null', '2.5', '[1, 2]', '{"a": 1, "b": [true]}', '"h\\u00e9llo"',
           '"h\u00e9\u20ac\U0001F600"', 'true', '-5', '0', '""', '"a\\tb\\u0001\\/"']
    return run_lines(c, ['{"execute": "query-kvm", "id": %s}\n' % i for i in ids])


def case_oob(t):
    c = t.connect()
    c.readline()
    return run_lines(c, [
        '{"execute": "qmp_capabilities", "arguments": {"enable": ["oob"]}}\n',
        '{"exec-oob": "query-status"}\n',
        '{"exec-oob": "query-status", "id": 5}\n',
        '{"exec-oob": "no-such-command"}\n',
        '{"exec-oob": 1}\n',
        '{"execute": "query-status", "exec-oob": "query-status"}\n',
        '{"execute": "query-status", "id": "in-band"}\n',
    ])


def case_queries(t):
    c = negotiated(t)
    out = run_lines(c, ['{"execute": "%s"}\n' % n for n in (
        "query-status", "query-name", "query-uuid", "query-kvm", "query-block",
        "query-vnc", "query-memory-size-summary", "query-cpus-fast")])
    # QEMU lists chardevs in hash-table order: compare them sorted by label.
    c.send('{"execute": "query-chardev"}\n')
    devs = json.loads(c.readline())["return"]
    devs.sort(key=lambda d: d["label"])
    return out + ["query-chardev: " + q.normalise(json.dumps(devs))]


MALFORMED = [
    '[1, 2]\n', '3\n', '"abc"\n', 'null\n', '{"foo": 1}\n', '{"execute": 1}\n',
    '{"id": 1}\n', '{"execute": "no-such", "id": 7}\n',
    '{"execute": "cont", "arguments": []}\n',
    '{"execute": "query-status", "arguments": {"x": 1}}\n',
    '{"execute": "query-status", "arguments": null}\n',
    '{"execute": "query-status", "id": 1, "extra": 2}\n',
    '{"execute": "query-status", "exec-oob": "x"}\n',
    '{"execute": "qmp_capabilities", "arguments": {"enable": "oob"}}\n',
    '{"execute": "qmp_capabilities", "arguments": {"enable": ["x"]}}\n',
    '{"execute": "qmp_capabilities", "arguments": {"enable": [1]}}\n',
    '{"execute": "qmp_capabilities", "arguments": {"enable": "oob", "zz": 1}}\n',
    '{"execute": foo}\n', '}\n', ']\n', '@\n',
    '{"execute": "query-status" "x"}\n', '{"execute" "query-status"}\n',
    '{1: 2}\n', '[1 2]\n', '{"execute": "query-status",}\n',
    '{"a\\q": 1}\n', '{"execute": "query-status", "id": "\\u00"}\n',
    '{"execute": "query-status", "id": "\\u0000"}\n',
    '{"execute": "query-status", "execute": "stop"}\n',
    '{"bad json\n',
    "{'execute': 'query-status', 'id': 'single'}\n",
    '{"execute": "query-status", "id": 1e400}\n',
    '{"execute": "query-status", "id": -0}\n',
    '{"execute": "query-kvm", "id": "\\ud800"}\n', '{"execute": "query-kvm", "id": "\\udc00"}\n',
    '{"execute": "query-kvm", "id": "\\ud800\\u0041"}\n', '{"execute": "query-kvm", "id": "\\u12G4"}\n',
    '{"execute": "query-kvm", "id": "\\u12"}\n', '{"execute": "query-kvm", "id": "\\ud83d\\ude00"}\n',
    '{"execute": "query-kvm", "id": "\\uFFFF"}\n', '{"execute": "query-kvm", "id": "a\\u0000b"}\n',
    b'{"execute": "query-kvm", "id": "\xc3"}\n', b'{"execute": "query-kvm", "id": "\xc0\x80"}\n',
    b'{"execute": "query-kvm", "id": "\xed\xa0\x80"}\n', (b'{"id": "\xff\xfe"}\n', 3),
    # noncharacters written out in UTF-8 (U+FFFE, U+FDD0, U+10FFFF), and
    # U+FFFD and U+FDF0 beside them, which are characters
    b'{"execute": "query-kvm", "id": "\xef\xbf\xbe"}\n', b'{"execute": "query-kvm", "id": "\xef\xb7\x90"}\n',
    b'{"execute": "query-kvm", "id": "\xf4\x8f\xbf\xbf"}\n', b'{"execute": "query-kvm", "id": "\xef\xbf\xbd"}\n',
    b'{"execute": "query-kvm", "id": "\xef\xb7\xb0"}\n',
    '{"execute": "query-kvm", "id": "\\u00e9\\/\\b\\f\\n\\r\\t\\"\\\'"}\n',
]


def case_malformed(t):
    c = negotiated(t)
    out = run_lines(c, MALFORMED)
    # The connection and the VM are still fine after all of that.
    return out + run_lines(c, ['{"execute": "query-kvm"}\n'])


def case_framing(t):
    c = negotiated(t)
    byte_by_byte = list('{"execute": "query-kvm", "id": "bytes"}\n')
    return run_lines(c, [
        (['{"execute": "query', '-kvm", "id": "split"}\n'], 1),
        ('{"execute": "query-kvm", "id": 1}{"execute": "query-vnc", "id": 2}\n', 2),
        ('{"execute": "query-kvm", "id": 3}\r\n\r\n  \t{"execute": "query-block"}', 2),
        (byte_by_byte, 1),
        ('{"execute": "query-kvm", "arguments": {}, "id": {"x": [[[{}]]]}}\n', 1),
    ])


def events_to_negotiated(t, a, b, c):
    out = ["A " + x for x in run_lines(a, ['{"execute": "cont"}\n'])]
    out += ["C < " + q.normalise(c.readline() or "<nothing>")]
    out += ["B " + x for x in run_lines(b, ['{"execute": "query-kvm"}\n'])]
    out += ["C " + x for x in run_lines(c, ['{"execute": "stop"}\n'])]
    out += ["A < " + q.normalise(a.readline() or "<nothing>")]
    return out


def case_multi_client(t):
    """One client per socket (QEMU serves one client per -qmp socket)."""
    a = negotiated(t, 0)
    b = t.connect(1)
    b.readline()
    return events_to_negotiated(t, a, b, negotiated(t, 2))


def case_shared_socket(t):
    """vireo only: three clients on one socket at once."""
    a = negotiated(t, 0)
    b = t.connect(0)
    b.readline()
    return events_to_negotiated(t, a, b, negotiated(t, 0))


def case_big_ids(t):
    c = negotiated(t)
    return run_lines(c, ['{"execute": "query-kvm", "id": %s}\n' % i for i in (
        "9223372036854775807", "-9223372036854775808", "12345678901234567890",
        "123456789012345678901234", "0.1", "1E3")])


def case_lifecycle(t):
    c = negotiated(t)
    return run_lines(c, [
        '{"execute": "stop"}\n', '{"execute": "query-status"}\n',
        '{"execute": "cont", "id": "c1"}\n', '{"execute": "query-status"}\n',
        '{"execute": "cont"}\n',
        '{"execute": "stop", "id": "s1"}\n', '{"execute": "stop"}\n',
        '{"execute": "query-status"}\n',
        '{"execute": "cont"}\n', '{"execute": "system_reset", "id": 9}\n',
        '{"execute": "query-status"}\n',
    ])


def case_reset_while_stopped(t):
    c = negotiated(t)
    return run_lines(c, [
        '{"execute": "cont"}\n', '{"execute": "stop"}\n',
        '{"execute": "system_reset"}\n', '{"execute": "query-status"}\n',
        '{"execute": "cont"}\n', '{"execute": "query-status"}\n',
    ])


def case_disconnect(t):
    a = negotiated(t)
    a.send('{"execute": "query-qmp-schema"}\n{"execute": "query-status"}\n{"execu')
    a.close()
    b = t.connect()
    b.readline()
    b.send('{"execute": "qmp_capa')     # a partial line, then gone
    b.close()
    time.sleep(0.1)
    c = negotiated(t)
    return run_lines(c, ['{"execute": "query-status"}\n'])


def case_oversized(t):
    c = negotiated(t)
    big = '{"execute": "query-kvm", "id": "%s"}\n' % ("x" * (1100 * 1024))
    out = [x[:200] for x in q.exchange(c, big)]
    out += ["eof: %s" % c.at_eof(2.0)]
    c.close()
    d = negotiated(t)
    return ["< " + x for x in out] + run_lines(d, ['{"execute": "query-kvm"}\n'])


def case_quit(t):
    c = negotiated(t)
    w = negotiated(t, 1)
    out = run_lines(c, ['{"execute": "quit", "id": "bye"}\n'])
    out.append("eof: %s" % c.at_eof(5.0))
    out.append("W < " + q.normalise(w.readline() or "<nothing>"))
    out.append("exit: %s" % t.proc.wait(10))
    return out


CASES = [
    ("greeting", case_greeting, "version-identity"),
    ("negotiation", case_negotiation, None),
    ("ids", case_ids, None),
    ("oob", case_oob, None),
    ("queries", case_queries, None),
    ("malformed", case_malformed, None),
    ("framing", case_framing, None),
    ("multi-client", case_multi_client, None),
    ("shared-socket", case_shared_socket, "several-clients-per-socket"),
    ("big-ids", case_big_ids, "uint64-ids"),
    ("lifecycle", case_lifecycle, None),
    ("reset-while-stopped", case_reset_while_stopped, None),
    ("disconnect", case_disconnect, None),
    ("oversized", case_oversized, "message-limit"),
    ("quit", case_quit, None),
]


# Cases QEMU cannot run at all; only their vireo transcript is recorded.
QEMU_CANNOT = {"shared-socket"}


def documented_differences(srcdir):
    with open(os.path.join(srcdir, "docs/qmp.md"), encoding="utf-8") as f:
        return set(re.findall(r"^- \*\*([a-z0-9-]+)\*\*", f.read(), re.M))


def run_case(kind, argv_fn, name, fn, workdir):
    socks = [os.path.join(workdir, "%s-%s-%d.sock" % (kind, name, i)) for i in range(3)]
    t = q.Target(kind, argv_fn(socks), socks, workdir)
    try:
        return fn(t)
    except Exception as e:     # a crash or hang of the target is a result too
        return ["exception: %r" % e, "log: " + t.log_text()]
    finally:
        t.stop()


def diff(expected, got):
    lines = []
    for i in range(max(len(expected), len(got))):
        e = expected[i] if i < len(expected) else "<missing>"
        g = got[i] if i < len(got) else "<missing>"
        if e != g:
            lines.append("expected: %s\n     got: %s" % (e[:300], g[:300]))
    return "\n".join(lines)


def check_target(tap, kind, argv_fn, expected, differences, workdir):
    for name, fn, differs in CASES:
        if kind == "qemu" and name not in expected:
            continue            # a vireo extension QEMU cannot do
        got = run_case(kind, argv_fn, name, fn, workdir)
        want = expected.get(name, [])
        if kind != "qemu" and differs:
            tap.ok(differs in differences,
                   "%s: %s: difference '%s' is documented in docs/qmp.md" % (kind, name, differs))
            # QEMU's transcript is always right; the documented one is allowed.
            if got != want:
                want = expected.get("vireo:" + name, want)
        tap.ok(got == want, "%s: %s" % (kind, name), diff(want, got))


def check_commands_subset(tap, vireo_argv, workdir):
    """vireo's commands are QEMU's, with QEMU's argument names and types."""
    def schema(kind, argv_fn):
        socks = [os.path.join(workdir, kind + "-schema.sock")]
        t = q.Target(kind, argv_fn(socks), socks, workdir)
        try:
            c = negotiated(t)
            c.send('{"execute": "query-qmp-schema"}\n')
            return json.loads(c.readline(10))["return"]
        finally:
            t.stop()
    theirs = schema("qemu", q.qemu_argv)
    ours = schema("vireo", vireo_argv)

    def index(info):
        return {e["name"]: e for e in info}

    def shape(idx, tname):
        e = idx.get(tname)
        if not e:
            return tname
        if e["meta-type"] == "object":
            return {m["name"]: ("*" if "default" in m else "") + str(shape_name(idx, m["type"]))
                    for m in e["members"]}
        return shape_name(idx, tname)

    def shape_name(idx, tname):
        e = idx.get(tname)
        if not e:
            return tname
        if e["meta-type"] == "array":
            return "[%s]" % shape_name(idx, e["element-type"])
        return e["meta-type"] if e["meta-type"] != "builtin" else tname

    qi, vi = index(theirs), index(ours)
    bad = []
    for name, e in vi.items():
        if e["meta-type"] not in ("command", "event"):
            continue
        if name not in qi:
            bad.append("%s: not in QEMU" % name)
            continue
        if shape(vi, e["arg-type"]) != shape(qi, qi[name]["arg-type"]):
            bad.append("%s: arguments %s, QEMU %s" % (
                name, shape(vi, e["arg-type"]), shape(qi, qi[name]["arg-type"])))
    tap.ok(not bad, "vireo: every command and event has QEMU's name and arguments",
           "\n".join(bad))


def vireo_target(srcdir, builddir, workdir):
    """argv builder for vireo-vmm running the paused ticker guest."""
    vmm = os.environ.get("VIREO_VMM") or os.path.join(builddir, "src/vireo-vmm")
    xml = os.path.join(workdir, "domain.xml")
    with open(xml, "w") as f:
        f.write(q.domain_xml(srcdir, os.path.join(builddir, "tests/qmp/ticker.elf")))
    return lambda s: q.vireo_argv(vmm, xml, s)


def main():
    srcdir, builddir = sys.argv[1], sys.argv[2]
    exp_path = os.path.join(srcdir, "tests/qmp/conformance.expected")
    workdir = q.make_workdir()
    tap = q.Tap()
    regenerate = os.environ.get("VIREO_TEST_REGENERATE_OUTPUT") == "1"
    with open(exp_path, encoding="utf-8") as f:
        expected = json.load(f)
    differences = documented_differences(srcdir)

    why = q.qemu_unavailable()
    if why:
        tap.skip("qemu: the expected transcripts are still QEMU's", why)
    elif regenerate:
        # The documented variants come from vireo-vmm, which must run.
        why_vireo = q.vireo_unavailable(builddir)
        if why_vireo:
            sys.exit("cannot regenerate: " + why_vireo)
        vargv = vireo_target(srcdir, builddir, workdir)
        for name, fn, differs in CASES:
            if name not in QEMU_CANNOT:
                expected[name] = run_case("qemu", q.qemu_argv, name, fn, workdir)
            if differs:
                expected["vireo:" + name] = run_case("vireo", vargv, name, fn, workdir)
        with open(exp_path, "w", encoding="utf-8") as f:
            json.dump(expected, f, indent=1, ensure_ascii=False)
            f.write("\n")
    else:
        check_target(tap, "qemu", q.qemu_argv, expected, differences, workdir)

    why_vireo = q.vireo_unavailable(builddir)
    if why_vireo:
        tap.skip("vireo-vmm: every case", why_vireo)
    else:
        vargv = vireo_target(srcdir, builddir, workdir)
        check_target(tap, "vireo", vargv, expected, differences, workdir)
        if not why:
            check_commands_subset(tap, vargv, workdir)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
