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
