#!/bin/sh
# Installs everything vireo needs to build, test and benchmark on Debian 12.
# Idempotent; run as root. Skips apt-get when every package is already there.
set -e
PKGS="build-essential autoconf automake autopoint gettext pkg-config
 libxml2-dev liblzma-dev zlib1g-dev libxml2-utils libglib2.0-dev libjson-glib-dev
 libvirt-dev libvirt-clients qemu-system-x86 qemu-utils socat busybox-static
 acpica-tools cpio lz4 python3 clang locales"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
# node and npm only when absent: a machine may already have them from another
# packaging (e.g. a nodejs that bundles npm), which Debian's npm conflicts with.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing
fi
