#!/bin/sh
# Installs everything vireo needs to build, test and benchmark on Debian 12.
# Idempotent; run as root. Skips apt-get when every package is already there.
set -e
PKGS="build-essential autoconf automake autopoint gettext pkg-config
 libxml2-dev libxml2-utils libglib2.0-dev libjson-glib-dev
 libvirt-dev libvirt-clients qemu-system-x86 qemu-utils socat busybox-static
 acpica-tools cpio python3 clang nodejs npm"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing
fi
