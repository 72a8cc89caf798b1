#!/bin/sh
# varmor kernel lab, stage 2: PID 1 inside the read-only host root. Mounts the kernel filesystems, then polls
# $LAB/req for request scripts written by the host (io.varmor.testkit.Lab), runs each in its own session and
# writes $LAB/out/<id>.{out,err,rc}. $LAB/kill/<id> kills a request's process group; $LAB/poweroff stops.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
SHARE="$VARMOR_SHARE"
LAB="$SHARE/.lab"
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=1777 shm /dev/shm
mount -t securityfs securityfs /sys/kernel/security || echo "varmor-lab: no securityfs"
mount -t bpf bpf /sys/fs/bpf || echo "varmor-lab: no bpffs"
mount -t cgroup2 cgroup2 /sys/fs/cgroup || echo "varmor-lab: no cgroup2"
RW_SHARES=""
. "$LAB/config"
for spec in $RW_SHARES; do
  tag="${spec%%=*}"; dir="${spec#*=}"
  mkdir -p "$dir" 2>/dev/null
  mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 "$tag" "$dir" || echo "varmor-lab: mount $tag at $dir failed"
done
hostname varmor-lab 2>/dev/null
mkdir -p "$LAB/req" "$LAB/run" "$LAB/out" "$LAB/kill"
{ uname -r; cat /sys/kernel/security/lsm 2>/dev/null; echo; cut -d' ' -f1 /proc/uptime; } > "$LAB/ready.tmp"
mv "$LAB/ready.tmp" "$LAB/ready"
echo "varmor-lab: ready"
while [ ! -e "$LAB/poweroff" ]; do
  for f in "$LAB"/req/*.sh; do
    [ -e "$f" ] || continue
    id="${f##*/}"; id="${id%.sh}"
    mv "$f" "$LAB/run/$id.sh" || continue
    ( setsid /bin/sh "$LAB/run/$id.sh" > "$LAB/out/$id.out" 2> "$LAB/out/$id.err" < /dev/null
      echo $? > "$LAB/out/$id.rc.tmp"; mv "$LAB/out/$id.rc.tmp" "$LAB/out/$id.rc" ) &
  done
  for k in "$LAB"/kill/*; do
    [ -e "$k" ] || continue
    id="${k##*/}"; pid=$(cat "$LAB/out/$id.pid" 2>/dev/null)
    if [ -n "$pid" ]; then kill -9 -"$pid" 2>/dev/null; rm -f "$k"
    elif [ -e "$LAB/out/$id.rc" ]; then rm -f "$k"; fi
  done
  sleep 0.05
done
echo "varmor-lab: power off"
sync
echo o > /proc/sysrq-trigger
sleep 30
