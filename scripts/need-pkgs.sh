# Sourced by the packaging and system-test scripts: need_pkgs PKG... installs the Debian packages among
# PKG that are not installed yet (apt-get, as root), or stops with a clear message when not root.
# The caller's name for messages is NEED_PKGS_BY (default: the running script's name).

need_pkgs() {
  local by="${NEED_PKGS_BY:-$(basename "$0")}" missing=() p
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  [ "$(id -u)" = 0 ] || { echo "$by: missing ${missing[*]}; install them with apt-get" >&2; exit 1; }
  echo "$by: installing ${missing[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
