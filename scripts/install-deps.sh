#!/usr/bin/env bash
# Installs everything the test suite and the demo need on a fresh Debian 12 machine.
# Idempotent: re-running it skips what is already there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tools="${SDK_TOOLS_DIR:-/opt/taskdriver-tools}"
mkdir -p "$tools"

need_apt=()
command -v dockerd >/dev/null || need_apt+=(docker.io)
[ -x /bin/busybox ] || need_apt+=(busybox-static)
command -v docker-registry >/dev/null || need_apt+=(docker-registry)
command -v htpasswd >/dev/null || need_apt+=(apache2-utils)
command -v qemu-system-x86_64 >/dev/null || need_apt+=(qemu-system-x86)
command -v cpio >/dev/null || need_apt+=(cpio)
# CgroupV2GuestTest makes an ext4 guest image holding the exec driver's tools, procps' kill among them
[ -x /usr/sbin/mkfs.ext4 ] || [ -x /sbin/mkfs.ext4 ] || need_apt+=(e2fsprogs)
[ -x /bin/kill ] || [ -x /usr/bin/kill ] || need_apt+=(procps)
command -v mvn >/dev/null || need_apt+=(maven)
command -v setsid >/dev/null || need_apt+=(util-linux)
command -v curl >/dev/null || need_apt+=(curl)
command -v tini >/dev/null || need_apt+=(tini)
command -v xz >/dev/null || need_apt+=(xz-utils)
command -v perl >/dev/null || need_apt+=(perl-base)
# git artifacts are cloned by the git executable (GitArtifactRawExecTest serves them with git http-backend)
command -v git >/dev/null || need_apt+=(git)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need_apt[@]}"
fi

# Consul: Debian 12 has none; take Debian 11's package without adding bullseye to the sources.
if [ ! -x "$tools/consul/usr/bin/consul" ]; then
  uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  d=$(mktemp -d); mkdir -p "$d/lists/partial"; echo "deb $uri bullseye main" > "$d/src.list"
  o=(-o "Dir::Etc::sourcelist=$d/src.list" -o "Dir::Etc::sourceparts=-" -o "Dir::State::Lists=$d/lists")
  apt-get "${o[@]}" update -q
  (cd "$d" && apt-get "${o[@]}" download consul)
  mkdir -p "$tools/consul" && dpkg -x "$d"/consul_*.deb "$tools/consul"
  rm -rf "$d"
fi

# A cloud kernel for the qemu guest.
if ! ls "$tools"/kernel/boot/vmlinuz-* >/dev/null 2>&1; then
  pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  if [ -z "$pkg" ]; then  # package lists not fetched yet on this machine
    apt-get update -q
    pkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  fi
  d=$(mktemp -d); (cd "$d" && apt-get download "$pkg")
  mkdir -p "$tools/kernel" && dpkg -x "$d"/*.deb "$tools/kernel"
  rm -rf "$d"
fi
echo "dependencies ready under $tools"
