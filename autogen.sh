#!/bin/sh
# Regenerate the build system, then run configure with the given arguments.
set -e
srcdir=$(dirname "$0")
cd "$srcdir"
autoreconf -fi
cd - >/dev/null
[ -n "$NOCONFIGURE" ] || exec "$srcdir/configure" "$@"
