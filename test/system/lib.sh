# Shared helpers of the system tests (sourced): step reporting and a booted nspawn machine.
# Machines run with --register=no --keep-unit (this host has no systemd/machined as PID 1); commands
# enter them with nsenter. Every machine started here is stopped by machine_stop (trap in callers).

FAILS=0
PENDING=0
step() { printf '\n== %s\n' "$*" >&2; }
pass() { printf 'PASS    %s\n' "$*" >&2; }
fail() { printf 'FAIL    %s\n' "$*" >&2; FAILS=$((FAILS + 1)); }
pending() { printf 'PENDING %s\n' "$*" >&2; PENDING=$((PENDING + 1)); }

. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/need-pkgs.sh"

# machine_boot DIR NAME LOG: boots DIR with systemd-nspawn -b (private network: only lo) in the
# background; sets NSPAWN_PID and LEADER (the container's PID 1 as seen from the host).
machine_boot() {
  local dir="$1" name="$2" log="$3" i
  systemd-nspawn -q -b -D "$dir" -M "$name" --register=no --keep-unit --private-network \
    --console=read-only >"$log" 2>&1 &
  NSPAWN_PID=$!
  LEADER=""
  for i in $(seq 1 100); do
    LEADER="$(pgrep -P "$NSPAWN_PID" 2>/dev/null | head -1 || true)"
    [ -n "$LEADER" ] && [ "$(cat /proc/"$LEADER"/comm 2>/dev/null)" = systemd ] && break
    sleep 0.1
  done
  [ -n "$LEADER" ] || { echo "nspawn did not start:" >&2; cat "$log" >&2; return 1; }
}

# in_machine CMD…: runs a command inside the booted machine (all namespaces of its PID 1).
in_machine() { nsenter -t "$LEADER" -a -- "$@"; }

machine_stop() {
  [ -n "${NSPAWN_PID:-}" ] || return 0
  if kill -0 "$NSPAWN_PID" 2>/dev/null; then
    kill "$NSPAWN_PID" 2>/dev/null || true # nspawn asks the container's systemd to power off
    for _ in $(seq 1 300); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.2; done
    # Still there after 60 s: SIGKILL to the container's PID 1 ends its whole PID namespace.
    if kill -0 "$NSPAWN_PID" 2>/dev/null; then
      [ -n "${LEADER:-}" ] && kill -9 "$LEADER" 2>/dev/null || true
      sleep 1
      kill -9 "$NSPAWN_PID" 2>/dev/null || true
    fi
  fi
  wait "$NSPAWN_PID" 2>/dev/null || true
  NSPAWN_PID=""
}

# wait_for SECONDS CMD…: polls CMD every 0.5 s until it succeeds or SECONDS pass.
wait_for() {
  local limit=$(($1 * 2)); shift
  for _ in $(seq 1 "$limit"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  return 1
}

# wait_booted SECONDS: waits for the end of boot; passes on "running", and on "degraded" too, naming the
# failed units (under qemu-user some of Debian's own units fail; they are not ours).
wait_booted() {
  local state="" deadline=$((SECONDS + $1))
  # Early on, systemctl cannot reach PID 1 yet and prints nothing, or "offline" (PID 1 is not yet
  # systemd's manager: seen under qemu-aarch64, where the exec takes long); --wait then blocks until
  # boot ends. "offline" is only a verdict if it is still so at the deadline.
  while [ $SECONDS -lt $deadline ]; do
    state="$(timeout $((deadline - SECONDS + 1)) nsenter -t "$LEADER" -a -- systemctl is-system-running --wait 2>/dev/null || true)"
    case "$state" in running | degraded | maintenance | stopping) break ;; esac
    sleep 0.5
  done
  case "$state" in
    running) pass "container booted (running)" ;;
    degraded) pass "container booted (degraded; failed: $(in_machine systemctl list-units --failed --plain --no-legend | awk '{print $1}' | tr '\n' ' '))" ;;
    *) fail "container boot: '${state}'" ;;
  esac
}

# machine_prepare ARCH NAME_PREFIX [DEB]: the .deb (built when absent) and a throw-away copy of the
# cached rootfs with it in /root; sets version, deb, name, dir and log, and an EXIT trap that stops
# the machine and removes the copy. Needs $root (the project) set by the caller.
machine_prepare() {
  local arch="$1" cache
  version="$(node -p "require('$root/package.json').version")"
  deb="${3:-$root/dist/pacsgate_${version}_${arch}.deb}"
  [ -f "$deb" ] || "$root/packaging/build-deb.sh" "$arch"
  cache="$("$root/test/system/rootfs.sh" "$arch")" # arm64: also mounts binfmt_misc, enables qemu-aarch64
  name="$2-$$"
  dir="/var/cache/pacsgate-test/$name"
  log="/var/cache/pacsgate-test/$name.console.log"
  trap 'machine_stop; rm -rf "$dir" "$log"' EXIT
  cp -a "$cache" "$dir"
  cp "$deb" "$dir/root/pacsgate.deb"
}
