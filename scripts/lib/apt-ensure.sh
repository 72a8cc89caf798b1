# Sourced by scripts/*-deps.sh: apt_ensure NAME PKG... installs the packages that are missing (apt-get update only
# then), or says that all are installed. Idempotent and quick when nothing is missing.
apt_ensure() {
  local name=$1; shift
  local missing=() p
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "$name: all installed ($*)"
    return 0
  fi
  echo "$name: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
}
