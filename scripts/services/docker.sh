#!/usr/bin/env bash
# Starts the Docker engine for the docker driver's tests and waits until it answers. Idempotent: a running,
# answering engine is left alone; a stale pid file from a dead engine is removed first.
set -euo pipefail
run_dir="${SDK_RUN_DIR:-/var/lib/taskdrivers-test}"
mkdir -p "$run_dir"

if docker info >/dev/null 2>&1; then
  echo "docker engine already running"
  exit 0
fi

# A killed engine can linger as a zombie (kill -0 still succeeds on it): only a process in another state counts.
alive() {
  local state
  state=$(sed -E 's/^[0-9]+ \(.*\) (.).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}
pid_file=/var/run/docker.pid
if [ -f "$pid_file" ] && ! alive "$(cat "$pid_file")"; then
  rm -f "$pid_file"
fi
if ! { [ -f "$pid_file" ] && alive "$(cat "$pid_file")"; }; then
  # iptables and ip forwarding stay off: the machine's firewall is not ours to change. vfs works on any filesystem.
  setsid dockerd --iptables=false --ip-forward=false --storage-driver=vfs \
      -H unix:///var/run/docker.sock >>"$run_dir/dockerd.log" 2>&1 < /dev/null &
fi

for _ in $(seq 1 120); do
  if docker info >/dev/null 2>&1; then
    echo "docker engine ready: $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')"
    exit 0
  fi
  sleep 0.5
done
echo "docker engine did not answer within 60 s; see $run_dir/dockerd.log" >&2
exit 1
