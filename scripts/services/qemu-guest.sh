#!/usr/bin/env bash
# Builds the tiny QEMU test guests under $SDK_RUN_DIR/qemu from the cloud kernel that install-deps.sh unpacked:
#   vmlinuz                 the kernel
#   initrd-poweroff.gz      busybox initramfs that serves HTTP on port 80 and powers off on the ACPI button
#   initrd-ignore.gz        the same guest without the button watcher: it ignores system_powerdown
#   initrd-agent.gz         the ignoring guest with a minimal guest agent (not qemu-ga) on the virtio port
#                           org.qemu.guest_agent.0: it answers guest-sync with its id and powers off on
#                           guest-shutdown, so its end proves the agent was used
# Both guests serve the text found on the first virtio disk (/dev/vda, NUL padding stripped) when one is attached,
# so a test can prove which disk image a VM booted with. Booted with taskdrivers.lines=N on the kernel command line,
# each guest, once ready, writes N numbered lines of 104 bytes to its console ("line 0000001 " and 90 x), for tests of
# the files the console's output lands in. Idempotent: rebuilt only when this script or the kernel changes.
set -euo pipefail
tools="${SDK_TOOLS_DIR:-/opt/taskdriver-tools}"
out="${SDK_RUN_DIR:-/var/lib/taskdrivers-test}/qemu"

kernel=$(ls "$tools"/kernel/boot/vmlinuz-* 2>/dev/null | sort | tail -n 1 || true)
if [ -z "$kernel" ]; then
  echo "no kernel under $tools/kernel/boot: run scripts/install-deps.sh first" >&2
  exit 1
fi
release=${kernel##*/vmlinuz-}
modules="$tools/kernel/lib/modules/$release/kernel"
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "busybox-static missing: run scripts/install-deps.sh first" >&2; exit 1; }

stamp="$(sha256sum "$0" | cut -d' ' -f1) $release"
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp" ] \
   && [ -f "$out/vmlinuz" ] && [ -f "$out/initrd-poweroff.gz" ] && [ -f "$out/initrd-ignore.gz" ] \
   && [ -f "$out/initrd-agent.gz" ]; then
  echo "qemu guests up to date in $out"
  exit 0
fi

# Order matters: the package has no modules.dep, so each module must follow the ones it needs.
net_modules="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover net_failover virtio_net virtio_blk"
button_modules="button evdev"
agent_modules="virtio_console"

build_initrd() { # $1 = output file, $2 = "yes" to power off on the ACPI button, $3 = "yes" for the guest agent
  local root
  root=$(mktemp -d)
  mkdir -p "$root"/{bin,dev,proc,sys,www,lib/modules,dev/input}
  cp "$busybox" "$root/bin/busybox"
  ln -s busybox "$root/bin/sh"
  local wanted="$net_modules"
  [ "$2" = yes ] && wanted="$wanted $button_modules"
  [ "$3" = yes ] && wanted="$wanted $agent_modules"
  for m in $wanted; do
    f=$(find "$modules" -name "$m.ko" -o -name "$m.ko.xz" | head -n 1)
    [ -n "$f" ] || { echo "module $m not found under $modules" >&2; exit 1; }
    case "$f" in
      *.xz) xz -dc "$f" > "$root/lib/modules/$m.ko" ;;
      *) cp "$f" "$root/lib/modules/$m.ko" ;;
    esac
  done
  cat > "$root/init" <<INIT
#!/bin/sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $wanted; do insmod /lib/modules/\$m.ko; done
ifconfig lo 127.0.0.1 up
if ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up 2>/dev/null; then route add default gw 10.0.2.2; fi
echo "taskdrivers test guest" > /www/index.html
for i in 1 2 3 4 5; do [ -b /dev/vda ] && break; sleep 0.1; done
if [ -b /dev/vda ]; then head -c 65536 /dev/vda | tr -d '\000' > /www/index.html; fi
INIT
  if [ "$2" = yes ]; then
    cat >> "$root/init" <<'INIT'
# The ACPI power button shows up as an input device: any event on it powers the guest off.
for e in /dev/input/event*; do
  [ -c "$e" ] && (head -c 1 "$e" >/dev/null && poweroff -f) &
done
INIT
  fi
  if [ "$3" = yes ]; then
    cat >> "$root/init" <<'INIT'
# A minimal guest agent speaking just enough of the QGA protocol: guest-sync is answered with its id,
# guest-shutdown powers off. A port reads end-of-file while no host client is connected: then retry.
# The port may be open only once, so one descriptor both reads and writes.
(
  while true; do
    port=""
    for n in /sys/class/virtio-ports/*/name; do
      [ "$(cat "$n" 2>/dev/null)" = org.qemu.guest_agent.0 ] && port=/dev/$(basename "$(dirname "$n")")
    done
    if [ -n "$port" ]; then
      {
        while read -r line <&3; do
          case "$line" in
            *'"guest-sync"'*)
              id=$(echo "$line" | sed -n 's/.*"id" *: *\([0-9][0-9]*\).*/\1/p')
              echo "{\"return\": $id}" >&3 ;;
            *'"guest-shutdown"'*) poweroff -f ;;
          esac
        done
      } 3<>"$port"
    fi
    sleep 0.2
  done
) &
INIT
  fi
  # The watchers start before httpd, so a guest that answers HTTP already listens to the button.
  cat >> "$root/init" <<'INIT'
httpd -p 80 -h /www
echo "guest ready"
lines=$(sed -n 's/.*taskdrivers\.lines=\([0-9][0-9]*\).*/\1/p' /proc/cmdline)
if [ -n "$lines" ]; then
  awk -v n="$lines" 'BEGIN { x = sprintf("%90s", ""); gsub(/ /, "x", x); for (i = 1; i <= n; i++) printf "line %07d %s\n", i, x }'
fi
while true; do sleep 3600; done
INIT
  chmod +x "$root/init"
  (cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) > "$1.tmp"
  mv "$1.tmp" "$1"
  rm -rf "$root"
}

mkdir -p "$out"
cp "$kernel" "$out/vmlinuz.tmp" && mv "$out/vmlinuz.tmp" "$out/vmlinuz"
build_initrd "$out/initrd-poweroff.gz" yes no
build_initrd "$out/initrd-ignore.gz" no no
build_initrd "$out/initrd-agent.gz" no yes
echo "$stamp" > "$out/.stamp"
echo "qemu guests built in $out"
