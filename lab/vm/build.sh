#!/bin/bash
# Builds the lab VM: Debian bookworm's cloud kernel (ip_vs and every scheduler as modules) and an
# initramfs holding busybox, ipvsadm, keepalived, iproute2, Node.js and the bundled lvsdeck agent.
# What it needs and why each step is there: docs/lab.md and lab/vm/FINDINGS.md.
#
# Usage: lab/vm/build.sh            -> prints the paths of the kernel and the initramfs it built
# Env:   LAB_CACHE   cache dir (default lab/vm/cache, git-ignored): .debs, extracted trees, images
#        LAB_NODE    node binary to pack (default: `command -v node`)
#        LAB_AGENT   bundled agent (default apps/agent/dist/main.js; build it with
#                    `npm run build -w @lvsdeck/agent`)
#
# The initramfs is three concatenated cpio archives, so a re-run only rebuilds what changed:
#   base.cpio.gz  busybox, ipvsadm, keepalived, ip, their libraries, kernel modules (keyed on the .debs)
#   node.cpio     node and its libraries, uncompressed: TCG unpacks it faster than it inflates it
#   lab.cpio.gz   /init, the guest scripts and the agent bundle (always rebuilt, ~1 s)
# Host packages: qemu-system-x86 busybox-static cpio kmod lz4 bc binutils python3
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${LAB_CACHE:-$HERE/cache}
NODE_BIN=$(readlink -f "${LAB_NODE:-$(command -v node)}")
AGENT=${LAB_AGENT:-$REPO/apps/agent/dist/main.js}
DEBS=$CACHE/debs
ARCH_LIBDIR=lib/x86_64-linux-gnu
mkdir -p "$DEBS" "$CACHE/img"
log() { echo "[lab:vm build] $*" >&2; }

# copy_libs ROOT EXTRACTED BIN...: copies the shared libraries BINs need (DT_NEEDED, recursively) into
# ROOT, preferring libraries from the extracted .debs, else the host's (both are Debian 12).
copy_libs() {
  local root=$1 extracted=$2; shift 2
  local search="$extracted/$ARCH_LIBDIR $extracted/usr/$ARCH_LIBDIR /$ARCH_LIBDIR /usr/$ARCH_LIBDIR"
  local todo="$*" seen=" " next f lib d found
  mkdir -p "$root/$ARCH_LIBDIR" "$root/lib64"
  while [ -n "$todo" ]; do
    next=""
    for f in $todo; do
      for lib in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
        case "$seen" in *" $lib "*) continue;; esac
        seen="$seen$lib "
        found=""
        for d in $search; do [ -e "$d/$lib" ] && { found="$d/$lib"; break; }; done
        [ -n "$found" ] || { log "MISSING LIB $lib (needed by $f)"; exit 1; }
        [ -e "$root/$ARCH_LIBDIR/$lib" ] || cp -L "$found" "$root/$ARCH_LIBDIR/$lib"
        next="$next $root/$ARCH_LIBDIR/$lib"
      done
    done
    todo=$next
  done
  cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
}

# ---- 1. packages (apt-get download, cached) -------------------------------------------
ABI=$(apt-cache depends linux-image-amd64 | sed -n 's/.*Depends: linux-image-\(.*\)-amd64$/\1/p' | head -1)
[ -n "$ABI" ] || { log "cannot find the kernel ABI from apt-cache (run apt-get update?)"; exit 1; }
KPKG=linux-image-$ABI-cloud-amd64
KVER=$ABI-cloud-amd64
USERPKGS="busybox-static ipvsadm libnl-3-200 libnl-genl-3-200 libpopt0
  keepalived libnftnl11 libsnmp40 libpci3 libwrap0 libsensors5
  iproute2 libbpf1 libelf1 libmnl0 libbsd0 libmd0 libcap2"
fetch() {
  ls "$DEBS/${1}"_*.deb >/dev/null 2>&1 && return 0
  log "apt-get download $1"
  (cd "$DEBS" && apt-get download "$1" 2>&1 | grep -v -e unsandboxed -e '^Get:' -e '^Fetched' || true)
  ls "$DEBS/${1}"_*.deb >/dev/null 2>&1 || { log "could not download $1"; exit 1; }
}
for p in $KPKG $USERPKGS; do fetch "$p"; done

# ---- 2. base.cpio.gz: rebuilt only when the set of .debs (or this script) changes ------------
BASE_KEY=$( (ls "$DEBS"; sha256sum "$0") | sha256sum | cut -c1-16)
BASE=$CACHE/img/base-$BASE_KEY.cpio.gz
if [ ! -f "$BASE" ]; then
  log "building base image ($KVER)"
  S=$CACHE/stage; rm -rf "$S"; mkdir -p "$S/k" "$S/user"
  dpkg -x "$DEBS"/${KPKG}_*.deb "$S/k"
  for p in $USERPKGS; do dpkg -x "$DEBS"/${p}_*.deb "$S/user"; done
  cp "$S/k/boot/vmlinuz-$KVER" "$CACHE/img/vmlinuz-$KVER"
  /sbin/depmod -b "$S/k" "$KVER"      # the package ships no modules.dep

  R=$S/root; mkdir -p $R/{bin,sbin,usr/bin,usr/sbin,etc/keepalived,proc,sys,dev,tmp,run,var,root,www,lib64,$ARCH_LIBDIR}
  ln -s ../run $R/var/run
  cp "$S/user/bin/busybox" $R/bin/busybox
  for a in $("$R/bin/busybox" --list); do [ -e $R/bin/$a ] || ln -s busybox $R/bin/$a; done
  for a in modprobe insmod lsmod depmod poweroff reboot halt sysctl ifconfig route brctl; do ln -sf ../bin/busybox $R/sbin/$a; done
  cp "$S/user/sbin/ipvsadm" $R/sbin/ipvsadm
  cp "$S/user/usr/sbin/keepalived" $R/usr/sbin/keepalived
  rm -f $R/bin/ip $R/sbin/ip; cp "$S/user/bin/ip" $R/sbin/ip   # iproute2: the agent needs `ip -j addr`
  ln -s ../sbin/ip $R/bin/ip
  copy_libs "$R" "$S/user" $R/sbin/ipvsadm $R/usr/sbin/keepalived $R/sbin/ip
  # NOTE: no glibc NSS modules: static busybox would dlopen them and segfault.

  # kernel modules: the closure of what the scenario loads, from the package's own modules.dep
  MODS="ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_sh ip_vs_dh ip_vs_sed ip_vs_nq ip_vs_lblc ip_vs_lblcr ip_vs_fo ip_vs_ovf ip_vs_mh
        veth bridge dummy virtio_pci virtio_net"
  MD=$R/lib/modules/$KVER; mkdir -p "$MD"
  for m in $MODS; do /sbin/modprobe -d "$S/k" -S "$KVER" --show-depends $m | awk '$1=="insmod"{print $2}'; done |
    sort -u | while read -r ko; do rel=${ko#*/lib/modules/$KVER/}; mkdir -p "$MD/$(dirname "$rel")"; cp "$ko" "$MD/$rel"; done
  cp "$S/k/lib/modules/$KVER"/modules.{builtin,builtin.modinfo,order} "$MD/"
  /sbin/depmod -b "$R" "$KVER"

  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\nkeepalived_script:x:999:999::/nonexistent:/bin/false\n' > $R/etc/passwd
  printf 'root:x:0:\nnogroup:x:65534:\nkeepalived_script:x:999:\n' > $R/etc/group
  printf 'passwd: files\ngroup: files\nhosts: files\n' > $R/etc/nsswitch.conf
  printf '127.0.0.1 localhost\n::1 localhost\n' > $R/etc/hosts
  (cd $R && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -6) > "$BASE.tmp" && mv "$BASE.tmp" "$BASE"
  rm -rf "$S"
fi

# ---- 3. node.cpio: node (stripped) and its libraries, rebuilt when the node binary changes -----
NODE_KEY=$( (stat -c '%s %Y' "$NODE_BIN"; echo "$NODE_BIN") | sha256sum | cut -c1-16)
NODE_CPIO=$CACHE/img/node-$NODE_KEY.cpio
if [ ! -f "$NODE_CPIO" ]; then
  log "packing $NODE_BIN ($("$NODE_BIN" --version))"
  N=$CACHE/node-stage; rm -rf "$N"; mkdir -p "$N/usr/bin"
  strip -o "$N/usr/bin/node" "$NODE_BIN"   # 99 MB -> 86 MB: debug info is useless in the lab
  copy_libs "$N" /nonexistent "$N/usr/bin/node"
  (cd "$N" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$NODE_CPIO.tmp" && mv "$NODE_CPIO.tmp" "$NODE_CPIO"
  rm -rf "$N"
fi

# ---- 4. lab.cpio.gz: /init, the guest scenario and the agent bundle (always rebuilt) -----------
[ -f "$AGENT" ] || { log "no agent bundle at $AGENT: run 'npm run build -w @lvsdeck/agent'"; exit 1; }
L=$CACHE/lab-stage; rm -rf "$L"; mkdir -p "$L/lab" "$L/opt/lvsdeck"
cp "$HERE"/guest/* "$L/lab/"
mv "$L/lab/init" "$L/init"; chmod 755 "$L/init" "$L"/lab/*.sh
# the bundle is ESM; .mjs makes node treat it so without a package.json next to it
cp "$AGENT" "$L/opt/lvsdeck/agent.mjs"
mkdir -p "$L/usr/bin"; printf '#!/bin/sh\nexec /usr/bin/node /opt/lvsdeck/agent.mjs "$@"\n' > "$L/usr/bin/lvsdeck-agent"; chmod 755 "$L/usr/bin/lvsdeck-agent"
LAB_CPIO=$CACHE/img/lab.cpio.gz
(cd "$L" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) > "$LAB_CPIO"
rm -rf "$L"

# ---- 5. one initrd: the kernel unpacks concatenated archives in order -------------------------
# Each part must start on a 4-byte boundary, or the kernel reports "invalid magic at start of
# compressed archive" for the part after it: pad with zeros, which the unpacker skips.
: > "$CACHE/img/initrd.img"
for part in "$BASE" "$NODE_CPIO" "$LAB_CPIO"; do
  cat "$part" >> "$CACHE/img/initrd.img"
  pad=$(( (4 - $(stat -c %s "$CACHE/img/initrd.img") % 4) % 4 ))
  [ "$pad" -eq 0 ] || head -c "$pad" /dev/zero >> "$CACHE/img/initrd.img"
done
for f in "$CACHE/img"/base-*.cpio.gz "$CACHE/img"/node-*.cpio; do   # drop images of older inputs
  [ "$f" = "$BASE" ] || [ "$f" = "$NODE_CPIO" ] || rm -f "$f"
done
echo "KERNEL=$CACHE/img/vmlinuz-$KVER"
echo "INITRD=$CACHE/img/initrd.img"
