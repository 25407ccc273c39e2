#!/bin/sh
# TAP test of `vireo validate`: every domains/*.xml validates; every
# tests/validate/NAME-invalid.xml fails with the message stored next to it
# in NAME-invalid.expect ("LINE[:COL]: message", printed after "FILE:");
# every problem line reads FILE:LINE: ...; a 100 MB document is refused
# under a memory cap; messages come out in Chinese under a zh_CN locale.
set -u
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
build=${abs_top_builddir:-$src}
vireo=${VIREO_BIN:-$build/src/vireo}
export VIREO_SCHEMADIR="${VIREO_SCHEMADIR:-$src/schemas}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; [ -s "$tmp/err" ] && sed 's/^/# /' "$tmp/err" | head -20; }

cd "$src" || exit 1
ndom=$(ls domains/*.xml | wc -l)
ninv=$(ls tests/validate/*-invalid.xml | wc -l)
echo "1..$((ndom + ninv + 9))"

for f in domains/*.xml; do
    if "$vireo" validate "$f" >"$tmp/out" 2>"$tmp/err" && grep -qx "$f validates" "$tmp/out"; then
        ok "$f validates"
    else
        notok "$f validates"
    fi
done

bad_lines=0
for f in tests/validate/*-invalid.xml; do
    expect=$(cat "${f%.xml}.expect")
    "$vireo" validate "$f" >"$tmp/out" 2>"$tmp/err"; rc=$?
    # Every problem is "FILE:LINE: ..." (or FILE:LINE:COL: for malformed XML).
    if grep -qv "^$f:[0-9][0-9]*\(:[0-9][0-9]*\)\?: " "$tmp/err"; then bad_lines=$((bad_lines + 1)); fi
    if [ "$rc" = 1 ] && [ ! -s "$tmp/out" ] && grep -qF "$f:$expect" "$tmp/err"; then
        ok "$f fails: $expect"
    elif [ "$rc" = 1 ] && [ ! -s "$tmp/out" ] && case $expect in [0-9]*) false;; *) grep -qF "$expect" "$tmp/err";; esac; then
        ok "$f fails: $expect"
    else
        echo "# rc=$rc, expected '$f:$expect'"
        notok "$f fails: $expect"
    fi
done
if [ "$bad_lines" = 0 ]; then ok "every problem line starts with FILE:LINE:"; else notok "$bad_lines invalid files printed a line without FILE:LINE:"; fi

# A document libvirt accepts and clamps (currentMemory > memory) validates.
if "$vireo" validate tests/validate/current-memory-over-memory.xml >"$tmp/out" 2>"$tmp/err"; then
    ok "currentMemory above memory is lowered, as libvirt does"
else
    notok "currentMemory above memory is lowered, as libvirt does"
fi

# Several files: each is reported, the status says one failed.
"$vireo" validate domains/minimal.xml tests/validate/name-slash-invalid.xml domains/devices.xml >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ "$rc" = 1 ] && [ "$(grep -c ' validates$' "$tmp/out")" = 2 ] && grep -q "name-slash-invalid.xml:2: " "$tmp/err"; then
    ok "several files: valid ones validate, exit 1 for the invalid one"
else
    notok "several files: valid ones validate, exit 1 for the invalid one (rc=$rc)"
fi

# -q: nothing for valid files.
if "$vireo" -q validate domains/minimal.xml >"$tmp/out" 2>"$tmp/err" && [ ! -s "$tmp/out" ]; then
    ok "-q prints nothing for a valid file"
else
    notok "-q prints nothing for a valid file"
fi

# No file, missing file.
if ! "$vireo" validate >"$tmp/out" 2>"$tmp/err" && grep -q "FILE" "$tmp/err"; then
    ok "no FILE is a usage error"
else
    notok "no FILE is a usage error"
fi
if ! "$vireo" validate "$tmp/nonexistent.xml" >"$tmp/out" 2>"$tmp/err" && grep -q "^$tmp/nonexistent.xml:" "$tmp/err"; then
    ok "a missing file is reported with its name"
else
    notok "a missing file is reported with its name"
fi

# All problems of one document, not only the first.
sed -e "s|<name>mac-dup</name>|<name>a/b</name>|" tests/validate/mac-dup-invalid.xml >"$tmp/two.xml"
"$vireo" validate "$tmp/two.xml" >"$tmp/out" 2>"$tmp/err"
if [ "$(wc -l <"$tmp/err")" -ge 2 ] && grep -q "two.xml:2: .*cannot contain '/'" "$tmp/err" && grep -q "two.xml:13: .*MAC address" "$tmp/err"; then
    ok "every semantic problem is reported"
else
    notok "every semantic problem is reported"
fi

# 100 MB: refused before it is read, so it fits in 64 MB of address space
# headroom above the binary's own needs (the cap, not the clock, is checked).
{ printf "<domain type='kvm'><name>big</name><description>"; head -c 104857600 /dev/zero | tr '\0' 'x'; printf "</description></domain>\n"; } >"$tmp/big.xml"
# Under AddressSanitizer (--enable-sanitizers) the cap cannot apply: its
# shadow memory reserves terabytes of address space at start. The refusal
# itself is still checked there.
if [ "${VIREO_SANITIZERS:-no}" = yes ]; then
    cap=; what="a 100 MB document is refused (no address-space cap under AddressSanitizer)"
else
    cap="ulimit -v 400000;"; what="a 100 MB document is refused under a 400 MB address-space cap"
fi
(eval "$cap"; "$vireo" validate "$tmp/big.xml") >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ "$rc" = 1 ] && grep -q "big.xml.*more than the limit" "$tmp/err"; then
    ok "$what"
else
    notok "$what (rc=$rc)"
fi
rm -f "$tmp/big.xml"

# Chinese: catalogue from po/zh_CN.po into a temp dir; a zh_CN locale from
# the system, else built with localedef into a temp LOCPATH, else C.UTF-8
# with LANGUAGE (GNU gettext honours it outside the C locale).
mkdir -p "$tmp/locale/zh_CN/LC_MESSAGES"
if ! msgfmt -o "$tmp/locale/zh_CN/LC_MESSAGES/vireo.mo" po/zh_CN.po 2>"$tmp/err"; then
    notok "zh_CN catalogue builds"
else
    if locale -a 2>/dev/null | grep -qix 'zh_CN.utf-\?8'; then
        set -- env
    elif localedef -i zh_CN -f UTF-8 "$tmp/zh_CN.UTF-8" >/dev/null 2>&1; then
        set -- env LOCPATH="$tmp"
    else
        set -- env LANGUAGE=zh_CN
    fi
    how="$*"
    if [ "$how" = "env LANGUAGE=zh_CN" ]; then lc=C.UTF-8; else lc=zh_CN.UTF-8; fi
    "$@" LC_ALL="$lc" LANG="$lc" VIREO_LOCALEDIR="$tmp/locale" "$vireo" validate tests/validate/topology-mismatch-invalid.xml domains/minimal.xml >"$tmp/out" 2>"$tmp/err"
    if grep -q "topology-mismatch-invalid.xml:8: 不支持的配置: CPU 拓扑与最大 vCPU 数不匹配" "$tmp/err" && grep -q "domains/minimal.xml 验证通过" "$tmp/out"; then
        ok "messages in Chinese under zh_CN ($how)"
    else
        cat "$tmp/out" >>"$tmp/err"
        notok "messages in Chinese under zh_CN ($how)"
    fi
fi
