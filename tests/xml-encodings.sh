#!/bin/sh
# TAP test: domain XML in encodings other than UTF-8 still parses in the
# installed programs, which may link libxml2.a without ICU (configure
# --enable-static-libxml2; src/util/vireo-noicu.c): ISO-8859-1 and UTF-16
# (libxml2's own converters), KOI8-R and ISO-2022-JP (glibc's iconv), each
# read back through `vireo define` + `dumpxml` with its text intact and
# parsed by vireo-vmm; an unknown encoding is refused with FILE:LINE and
# libxml2's "Unsupported encoding" in both programs. It also checks the
# link: vireo and vireo-vmm carry no libxml2.so/ICU when static, and the
# libvirt oracle test (libvirt links libxml2.so) keeps libxml2.so.
set -u
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
build=${abs_top_builddir:-$src}
vireo=${VIREO_BIN:-$build/src/vireo}
vmm=${VIREO_VMM:-$build/src/vireo-vmm}
static=${VIREO_STATIC_LIBXML2:-no}
export VIREO_SCHEMADIR="${VIREO_SCHEMADIR:-$src/schemas}"
export LC_ALL=C.UTF-8
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; [ -s "$tmp/err" ] && sed 's/^/# /' "$tmp/err" | head -10; }
check() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }

# domain ENCODING TEXT: a domain declaring ENCODING, TEXT in <description>,
# written in UTF-8 (converted by the caller).
domain() {
    printf "<?xml version='1.0' encoding='%s'?>\n<domain type='kvm'>\n  <name>enc</name>\n  <description>%s</description>\n  <memory unit='MiB'>128</memory>\n  <vcpu>1</vcpu>\n  <os>\n    <type arch='x86_64' machine='pc'>hvm</type>\n  </os>\n</domain>\n" "$1" "$2"
}

echo "1..21"
store="vireo:///embed?root=$tmp/store"
for enc in ISO-8859-1 UTF-16 KOI8-R ISO-2022-JP; do
    case $enc in
        ISO-8859-1) text='Café crème' ;;
        UTF-16) text='Café ☕ 日本' ;;
        KOI8-R) text='Привет' ;;
        ISO-2022-JP) text='日本語' ;;
    esac
    f=$tmp/$enc.xml
    domain "$enc" "$text" | iconv -f UTF-8 -t "$enc" >"$f"
    # the file really is not UTF-8 (UTF-16's BOM, Latin-1's é, KOI8-R's bytes
    # and ISO-2022-JP's escapes all differ from the UTF-8 text)
    check "$enc: the file is not the UTF-8 text" '! grep -qF "$text" "$f"'
    check "$enc: vireo validate accepts it" \
        '"$vireo" validate "$f" >"$tmp/out" 2>"$tmp/err" && grep -qx "$f validates" "$tmp/out"'
    check "$enc: define + dumpxml gives the text back" \
        '"$vireo" -c "$store" define "$f" >/dev/null 2>"$tmp/err" &&
         "$vireo" -c "$store" dumpxml enc >"$tmp/out" 2>"$tmp/err" &&
         grep -qF "<description>$text</description>" "$tmp/out" &&
         "$vireo" -c "$store" undefine enc >/dev/null 2>"$tmp/err"'
    # No <kernel>: vireo-vmm gets past the XML and stops later, naming the
    # domain (or, without /dev/kvm, at the host probe, naming it too).
    check "$enc: vireo-vmm parses it" \
        '! "$vmm" --domain "$f" --paused >/dev/null 2>"$tmp/err" &&
         grep -q "domain '"'"'enc'"'"' failed to start" "$tmp/err"'
done

f=$tmp/nope.xml
domain X-VIREO-NOPE x >"$f"
check "unknown encoding: vireo validate names FILE:LINE and the encoding" \
    '! "$vireo" validate "$f" >/dev/null 2>"$tmp/err" &&
     grep -q "^$f:1:[0-9]*: .*Unsupported encoding X-VIREO-NOPE" "$tmp/err"'
check "unknown encoding: vireo-vmm names FILE:LINE and the encoding" \
    '"$vmm" --domain "$f" --paused >/dev/null 2>"$tmp/err"; [ $? = 1 ] &&
     grep -q "$f:1:[0-9]*: Unsupported encoding X-VIREO-NOPE" "$tmp/err"'

needed() { readelf -d "$1" 2>/dev/null | grep NEEDED; }
if [ "$static" = yes ]; then
    check "static libxml2: vireo-vmm needs no libxml2.so, ICU or libstdc++" \
        'needed "$vmm" >"$tmp/err" && ! grep -qE "libxml2|libicu|libstdc" "$tmp/err"'
    check "static libxml2: vireo needs no libxml2.so, ICU or libstdc++" \
        'needed "$vireo" >"$tmp/err" && ! grep -qE "libxml2|libicu|libstdc" "$tmp/err"'
else
    check "shared libxml2: vireo-vmm needs libxml2.so" 'needed "$vmm" | grep -q libxml2'
    check "shared libxml2: vireo needs libxml2.so" 'needed "$vireo" | grep -q libxml2'
fi
check "the libvirt oracle test keeps libxml2.so (one copy per process)" \
    'needed "$build/tests/test-oracle-libvirt" | grep -q "libxml2\.so"'
