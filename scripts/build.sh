#!/bin/sh
# Configures (once) and builds vireo in the source tree.
set -e
cd "$(dirname "$0")/.."
[ -x configure ] || ./autogen.sh --prefix=/usr/local >/dev/null
[ -f Makefile ] || ./configure --prefix=/usr/local >/dev/null
make -j"$(nproc)" >/dev/null
