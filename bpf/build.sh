#!/usr/bin/env bash
# Builds every bpf/src/*.bpf.c into a CO-RE object.
#   usage: bpf/build.sh OUT_DIR [WORK_DIR]
# vmlinux.h is generated into WORK_DIR (default OUT_DIR/../bpf-work) from the running kernel's BTF
# (override the BTF source with VARMOR_BTF=/path/to/vmlinux); it is never committed.
# Needs clang, bpftool and libbpf-dev (scripts/build-deps.sh installs them).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: build.sh OUT_DIR [WORK_DIR]}"
work="${2:-$out/../bpf-work}"
btf="${VARMOR_BTF:-/sys/kernel/btf/vmlinux}"
for tool in clang bpftool; do
  command -v "$tool" >/dev/null || { echo "bpf/build.sh: '$tool' not found; run scripts/build-deps.sh" >&2; exit 2; }
done
[ -r /usr/include/bpf/bpf_helpers.h ] || { echo "bpf/build.sh: libbpf headers missing; run scripts/build-deps.sh" >&2; exit 2; }
[ -r "$btf" ] || { echo "bpf/build.sh: no kernel BTF at $btf (set VARMOR_BTF)" >&2; exit 2; }
mkdir -p "$out" "$work"
if [ ! -s "$work/vmlinux.h" ] || [ "$btf" -nt "$work/vmlinux.h" ]; then
  bpftool btf dump file "$btf" format c > "$work/vmlinux.h.tmp"
  mv "$work/vmlinux.h.tmp" "$work/vmlinux.h"
fi
for src in "$here"/src/*.bpf.c; do
  obj="$out/$(basename "${src%.c}").o"
  stale=0
  for h in "$here"/src/*.h; do [ -e "$h" ] && [ "$h" -nt "$obj" ] && stale=1; done
  if [ ! -s "$obj" ] || [ "$src" -nt "$obj" ] || [ "$work/vmlinux.h" -nt "$obj" ] || [ $stale = 1 ]; then
    # -g is needed for BTF/CO-RE relocations; 'bpftool gen object' then drops the DWARF (~640 KB -> ~30 KB)
    clang -g -O2 -Wall -Werror -target bpf -D__TARGET_ARCH_x86 -I"$work" -c "$src" -o "$work/$(basename "$obj")"
    bpftool gen object "$obj.tmp" "$work/$(basename "$obj")"
    mv "$obj.tmp" "$obj"
    echo "bpf/build.sh: built $obj"
  fi
done
