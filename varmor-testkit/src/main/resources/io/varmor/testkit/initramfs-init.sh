#!/bin/busybox sh
# varmor kernel lab, stage 1 (PID 1 in the initramfs): load virtio/9p modules, mount the host root read-only
# over 9p plus a copy-on-write /tmp, a tmpfs /run and the rw share (same path as on the host), then switch_root into the
# host root and exec the stage-2 command loop that the host wrote into the share.
# VARMOR_SHARE comes from the kernel command line.
/bin/busybox mkdir -p /bin /proc /sys /dev /newroot
/bin/busybox --install -s /bin
export PATH=/bin
die() {
  echo "VARMOR-LAB-INIT-FAILED: $*"
  echo o > /proc/sysrq-trigger
  sleep 30
}
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
echo "varmor-lab: stage 1 on $(uname -r)"
for m in $(cat /modules.order); do
  insmod "/mods/$m.ko" || echo "varmor-lab: insmod $m failed"
done
[ -n "$VARMOR_SHARE" ] || die "VARMOR_SHARE missing on the kernel command line"
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /newroot \
  || die "cannot mount the host root (9p tag hostroot)"
mount -t tmpfs -o mode=755 run /newroot/run || die "tmpfs /run"
# /tmp: the host's /tmp (checkouts, Maven repositories and build output may live there) as a copy-on-write
# overlay, so it is visible and writable in the guest without the guest ever writing to the host; plain tmpfs
# when overlayfs is unavailable.
mkdir -p /newroot/run/.lab-tmp/upper /newroot/run/.lab-tmp/work
mount -t overlay overlay -o lowerdir=/newroot/tmp,upperdir=/newroot/run/.lab-tmp/upper,workdir=/newroot/run/.lab-tmp/work \
  /newroot/tmp || { echo "varmor-lab: no overlayfs, /tmp is an empty tmpfs"; \
  mount -t tmpfs -o mode=1777 tmp /newroot/tmp || die "tmpfs /tmp"; }
mkdir -p "/newroot$VARMOR_SHARE" 2>/dev/null
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 share "/newroot$VARMOR_SHARE" \
  || die "cannot mount the share (9p tag share) at $VARMOR_SHARE"
[ -r "/newroot$VARMOR_SHARE/.lab/guest-loop.sh" ] || die "no stage 2 at $VARMOR_SHARE/.lab/guest-loop.sh"
umount /proc /sys
umount /dev 2>/dev/null
exec switch_root /newroot /bin/sh "$VARMOR_SHARE/.lab/guest-loop.sh"
