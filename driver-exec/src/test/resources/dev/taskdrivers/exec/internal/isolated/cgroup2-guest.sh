#!/bin/sh
# Builds a QEMU guest whose only cgroup hierarchy is cgroup2 and which runs one Java main on boot:
#   OUT/initrd.cpio  busybox and the virtio block modules; mounts OUT/root.img and switches to it
#   OUT/root.img     ext4: this host's JDK, the given class path, Perl, tini, coreutils, util-linux and the
#                    libraries they load, at the paths they have here (Debian's merged /usr)
# The guest mounts cgroup2 at /sys/fs/cgroup (the kernel is booted with cgroup_no_v1=all), enables memory, cpu
# and pids for the children of the root, runs MAIN on the console and powers off.
#
# usage: cgroup2-guest.sh OUT MODULES_DIR JAVA_HOME CLASS_PATH MAIN [ARGS...]
#   MODULES_DIR  the kernel package's lib/modules/<release>/kernel
set -eu
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
out=$1 modules=$2 jdk=$(readlink -f "$3") classpath=$4 main=$5
shift 5
root="$out/root"
mkdir -p "$root"

for d in bin sbin lib lib64; do
  if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" "$root/$d"; fi
done
for d in usr/bin usr/sbin usr/lib usr/lib64 proc sys dev tmp run etc var/tmp; do mkdir -p "$root/$d"; done

# What the exec driver runs: Perl (fork server, task entry), tini, util-linux, coreutils, getent, kill, dash.
# (tar follows the image's /bin -> usr/bin as the host does)
packages="perl-base tini util-linux mount coreutils libc-bin procps dash"
for pkg in $packages; do
  if ! dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed'; then
    echo "package $pkg is not installed (scripts/install-deps.sh)" >&2
    exit 1
  fi
done
for pkg in $packages; do dpkg-query -L "$pkg"; done \
  | while read -r f; do
      case "$f" in /usr/share/*|/etc/*|/var/*) continue ;; esac
      if [ -L "$f" ] || { [ -f "$f" ] && [ ! -d "$f" ]; }; then echo "$f"; fi
    done | sort -u | tar -cf - --no-recursion -T - 2>/dev/null | tar -C "$root" -xf - --keep-directory-symlink
ln -sf dash "$root/usr/bin/sh"
cp /bin/busybox "$root/usr/bin/busybox"

# The JDK without what only compilers and documentation need; links into /etc are followed.
mkdir -p "$root$jdk"
tar -C "$jdk" -chf - --ignore-failed-read --exclude=./jmods --exclude=./include --exclude=./man --exclude=./docs \
  --exclude=./legal --exclude=./demo --exclude=./lib/src.zip --exclude=./lib/ct.sym . 2>/dev/null \
  | tar -C "$root$jdk" -xf -

# Every library an executable or the JDK loads, with the dynamic loader, at the path the host has it.
find "$root/usr/bin" "$root/usr/sbin" "$root$jdk" -type f \( -perm -u+x -o -name '*.so*' \) -print0 \
  | xargs -0 ldd 2>/dev/null \
  | awk '/=> \//{print $3} /^[ \t]*\/[^ ]*ld-linux/{print $1}' | sort -u | while read -r lib; do
      dir=$(readlink -f "$(dirname "$lib")")
      if [ ! -e "$root$dir/${lib##*/}" ]; then mkdir -p "$root$dir" && cp -L "$lib" "$root$dir/${lib##*/}"; fi
    done

# The class path, entry by entry.
guest_cp=""
i=0
old_ifs=$IFS
IFS=:
for entry in $classpath; do
  [ -e "$entry" ] || continue
  i=$((i + 1))
  mkdir -p "$root/opt/checks/cp"
  target="/opt/checks/cp/$i"
  case "$entry" in *.jar) target="$target.jar" ;; esac
  cp -rL "$entry" "$root$target"
  guest_cp="$guest_cp${guest_cp:+:}$target"
done
IFS=$old_ifs

cat > "$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
cat > "$root/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
printf 'passwd: files\ngroup: files\n' > "$root/etc/nsswitch.conf"

args=""
for a in "$@"; do args="$args '$a'"; done
cat > "$root/checks-init" <<EOF
#!/bin/sh
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t cgroup2 cgroup2 /sys/fs/cgroup
echo "+memory +cpu +pids" > /sys/fs/cgroup/cgroup.subtree_control
echo "guest: cgroup2 at /sys/fs/cgroup with \$(cat /sys/fs/cgroup/cgroup.subtree_control) for its children"
$jdk/bin/java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \\
  -cp '$guest_cp' $main$args
echo "guest: checks ended with status \$?"
sync
busybox poweroff -f
EOF
chmod 755 "$root/checks-init"

size=$(( $(du -sm "$root" | cut -f1) * 13 / 10 + 64 ))
mkfs.ext4 -q -F -L checks -d "$root" "$out/root.img" "${size}M"
rm -rf "$root"

# The initramfs: load the virtio block driver (no modules.dep: each module after those it needs), switch to the disk.
initrd="$out/initrd"
mkdir -p "$initrd/bin" "$initrd/proc" "$initrd/sys" "$initrd/dev" "$initrd/newroot" "$initrd/lib/modules"
cp /bin/busybox "$initrd/bin/busybox"
wanted="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk"
for m in $wanted; do
  f=$(find "$modules" -name "$m.ko" -o -name "$m.ko.xz" | head -n 1)
  [ -n "$f" ] || { echo "module $m not found under $modules" >&2; exit 1; }
  case "$f" in
    *.xz) xz -dc "$f" > "$initrd/lib/modules/$m.ko" ;;
    *) cp "$f" "$initrd/lib/modules/$m.ko" ;;
  esac
done
cat > "$initrd/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev
for m in $wanted; do insmod /lib/modules/\$m.ko; done
for i in \$(seq 100); do [ -b /dev/vda ] && break; sleep 0.1; done
mount -t ext4 /dev/vda /newroot
mount --move /dev /newroot/dev
umount /proc
exec switch_root /newroot /checks-init
EOF
chmod 755 "$initrd/init"
(cd "$initrd" && find . | cpio -o -H newc --quiet) > "$out/initrd.cpio"
rm -rf "$initrd"
