#!/bin/sh
# The README's main job: install, build, then show vireo at work on the
# sample domains. Each step says what it does; each vireo command is shown
# as you would type it ("$ vireo ...") before its output.
set -e
cd "$(dirname "$0")/.."
build_dir=${VIREO_BUILD:-_build}

echo "== 1/4 Installing the build dependencies (scripts/install-deps.sh)"
./scripts/install-deps.sh

# the build's own chatter (xgettext, ar) goes to a log; shown only on failure
echo "== 2/4 Building vireo in $build_dir/ (log: $build_dir/build.log)"
mkdir -p "$build_dir"
if ! ./scripts/build.sh > "$build_dir/build.log" 2>&1; then
    tail -n 40 "$build_dir/build.log"
    echo "main.sh: the build failed; the whole log is $build_dir/build.log" >&2
    exit 1
fi
build=$(cd "$build_dir" && pwd)
vireo="$build/src/vireo"

# vireo [-q] CMD ...: shows the command as a user types it, then runs it
vireo() {
    echo "\$ vireo $*"
    "$vireo" "$@"
}

echo "== 3/4 Validating the sample domains against libvirt's schema"
for f in domains/*.xml; do
    [ -e "$f" ] || continue
    vireo validate "$f"
done

# vireo at work: define domains/hello.xml in a private store, start it with
# its serial console attached (the hello guest greets and powers off), then
# once more paused, to show destroy, and undefine it.
root=$(mktemp -d /tmp/vireo-main.XXXXXX)
trap 'rm -rf "$root"' EXIT
export VIREO_DEFAULT_URI="vireo:///embed?root=$root"
export VIREO_VMM="$build/src/vireo-vmm"
# the kernel path in hello.xml is where `make install` puts the guest
sed "s|/usr/local/libexec/vireo/guests/|$build/tests/guest/|" domains/hello.xml > "$root/hello.xml"
echo
echo "== 4/4 Running domains/hello.xml (a tiny guest that greets and powers off)"
echo "   in a private store: VIREO_DEFAULT_URI=$VIREO_DEFAULT_URI"
echo
vireo define "$root/hello.xml"
echo "# start --console shows the guest's serial port; it ends when the guest powers off"
# 20 s bounds a guest that hangs
echo "\$ vireo start hello --console"
if ! timeout 20 "$vireo" start hello --console < /dev/null; then
    echo "main.sh: the console did not end by itself (see $root/run/log/hello.log)" >&2
fi
vireo list --all
if [ "$("$vireo" -q domstate hello)" != "shut off" ]; then
    vireo destroy hello
fi
vireo domstate hello --reason
echo "# once more, paused this time, to show destroy"
vireo start hello --paused
vireo list --all
vireo destroy hello
vireo domstate hello --reason
vireo undefine hello
echo "== Done. Next: docs/cli.md (every verb), README.md (what vireo is)."
