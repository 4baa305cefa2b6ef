#!/usr/bin/env bash
# Builds the docker driver's test images from busybox-static with `docker import` (no internet registry needed) and
# pushes them to the local registry started by registry.sh. Idempotent: present images and pushed tags are kept.
#   taskdrivers-test/busybox:1  busybox with every applet linked into /bin          -> 127.0.0.1:5000/taskdrivers/busybox:1
#   taskdrivers-test/big:1      the same plus 4 MiB of incompressible data, for slow pulls -> 127.0.0.1:5000/taskdrivers/big:1
#                               (its local copy is removed after the push, so pulls of it really download)
set -euo pipefail
run_dir="${SDK_RUN_DIR:-/var/lib/taskdrivers-test}"
registry=127.0.0.1:5000
creds="$run_dir/registry/credentials"
[ -s "$creds" ] || { echo "no registry credentials at $creds: run registry.sh first" >&2; exit 1; }
user=$(sed -n 's/^username=//p' "$creds")

build_root() {
  local root=$1
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/proc" "$root/sys" "$root/dev"
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
  done
  echo 'root:x:0:0:root:/:/bin/sh' > "$root/etc/passwd"
  echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
}

build() {
  local image=$1 extra_mb=$2
  if docker image inspect "$image" >/dev/null 2>&1; then
    return
  fi
  local root
  root=$(mktemp -d)
  build_root "$root"
  if [ "$extra_mb" -gt 0 ]; then
    head -c "$((extra_mb * 1024 * 1024))" /dev/urandom > "$root/payload"
  fi
  tar -C "$root" -c . | docker import -c 'CMD ["/bin/sh"]' - "$image" >/dev/null
  rm -rf "$root"
  echo "built $image"
}

pushed() {
  local repo=$1 tag=$2 pw
  pw=$(sed -n 's/^password=//p' "$creds")
  [ "$(curl -s -o /dev/null -w '%{http_code}' -u "$user:$pw" \
      -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
      "http://$registry/v2/$repo/manifests/$tag")" = 200 ]
}

push() {
  local image=$1 repo=$2 tag=$3
  if pushed "$repo" "$tag"; then
    return
  fi
  export DOCKER_CONFIG="$run_dir/registry/docker-config"
  mkdir -p "$DOCKER_CONFIG"
  sed -n 's/^password=//p' "$creds" | docker login -u "$user" --password-stdin "$registry" >/dev/null
  docker tag "$image" "$registry/$repo:$tag"
  docker push "$registry/$repo:$tag" >/dev/null
  docker rmi "$registry/$repo:$tag" >/dev/null
  echo "pushed $registry/$repo:$tag"
}

build taskdrivers-test/busybox:1 0
push taskdrivers-test/busybox:1 taskdrivers/busybox 1
if ! pushed taskdrivers/big 1; then
  build taskdrivers-test/big:1 4
  push taskdrivers-test/big:1 taskdrivers/big 1
fi
docker rmi taskdrivers-test/big:1 >/dev/null 2>&1 || true
echo "test images ready"
