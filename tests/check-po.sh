#!/bin/sh
# TAP test: every translatable string in the sources has a zh_CN translation,
# every file with _() strings is in po/POTFILES.in, and msgfmt accepts it.
set -u
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo "1..3"
missing=$(cd "$src" && grep -l '_("' src/*/*.c | while read -r f; do grep -qx "$f" po/POTFILES.in || echo "$f"; done)
if [ -z "$missing" ]; then echo "ok 1 - every source with _() is in POTFILES.in"; else echo "not ok 1 - not in po/POTFILES.in: $missing"; fi
(cd "$src" && xgettext --keyword=_ --keyword=N_ --from-code=UTF-8 -o "$tmp/vireo.pot" -f po/POTFILES.in 2>/dev/null)
if python3 "$src/po/translate.py" "$tmp/vireo.pot" "$tmp/zh_CN.po" 2>"$tmp/err"; then
    echo "ok 2 - zh_CN covers every message"
else
    echo "not ok 2 - zh_CN is incomplete"; sed 's/^/# /' "$tmp/err"
fi
if msgfmt --check -o /dev/null "$tmp/zh_CN.po" 2>"$tmp/err2" && cmp -s "$tmp/zh_CN.po" "$src/po/zh_CN.po"; then
    echo "ok 3 - msgfmt --check passes and po/zh_CN.po is up to date"
else
    echo "not ok 3 - po/zh_CN.po is stale or invalid (run: make update-zh-po)"; sed 's/^/# /' "$tmp/err2"
fi
