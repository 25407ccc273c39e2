#!/bin/sh
# The README's main job: install, build, then show vireo at work on the
# sample domains.
set -e
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
for f in domains/*.xml; do
    [ -e "$f" ] || continue
    echo "== $f"
    "${VIREO_BUILD:-_build}/src/vireo" validate "$f"
done

# vireo at work: define domains/hello.xml in a private store, start it with
# its serial console attached (the hello guest greets and powers off), then
# destroy it if it is still up and undefine it.
build=$(cd "${VIREO_BUILD:-_build}" && pwd)
vireo="$build/src/vireo"
root=$(mktemp -d /tmp/vireo-main.XXXXXX)
trap 'rm -rf "$root"' EXIT
export VIREO_DEFAULT_URI="vireo:///embed?root=$root"
export VIREO_VMM="$build/src/vireo-vmm"
sed "s|/usr/local/libexec/vireo/guests/|$build/tests/guest/|" domains/hello.xml > "$root/hello.xml"
echo "== vireo define + start --console domains/hello.xml"
"$vireo" define "$root/hello.xml"
# the console ends when the guest powers off; 20 s bounds a guest that hangs
timeout 20 "$vireo" start hello --console < /dev/null || true
"$vireo" list --all
if [ "$("$vireo" -q domstate hello)" != "shut off" ]; then
    "$vireo" destroy hello
fi
"$vireo" domstate hello --reason
# once more, paused this time, to show a destroy
"$vireo" start hello --paused
"$vireo" list --all
"$vireo" destroy hello
"$vireo" domstate hello --reason
"$vireo" undefine hello
