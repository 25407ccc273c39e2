#!/bin/sh
# Configures (once) and builds vireo out of tree, in ${VIREO_BUILD:-_build}.
# The source tree itself is never configured, so several build directories
# (one per developer or job) can share it.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
build=${VIREO_BUILD:-$top/_build}
[ -x "$top/configure" ] || (cd "$top" && NOCONFIGURE=1 ./autogen.sh >/dev/null 2>&1)
mkdir -p "$build"
cd "$build"
[ -f Makefile ] || "$top/configure" --prefix=/usr/local >/dev/null
make -j"$(nproc)" >/dev/null
