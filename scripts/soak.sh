#!/usr/bin/env bash
# The soak (not part of the test suite): scripts/soak.sh [CYCLES] runs CYCLES (default 1000, at least 10) start/stop
# cycles mixed across raw_exec, exec and docker with services in Consul, restarting the Consul agent and the Docker
# engine once each mid-run, then prints what it checked: leaked processes, containers, images, mounts, cgroups and
# Consul services of the soak (all must be 0) and how many tasks ended in the state they should. Exits 1 otherwise.
# Note: the engine restart stops every container on this machine's engine, not only the soak's.
#
# scripts/soak.sh --restart consul|docker   stops that service and brings it back (called by the soak itself).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
export SDK_TOOLS_DIR="${SDK_TOOLS_DIR:-/opt/taskdriver-tools}"
export SDK_RUN_DIR="${SDK_RUN_DIR:-/var/lib/taskdrivers-test}"

# Sends SIGTERM to the pid in $1, waits up to 60 s for it to exit, then SIGKILL.
stop_pid_file() {
  local pid_file=$1 pid
  [ -s "$pid_file" ] || { echo "no pid file $pid_file" >&2; return 1; }
  pid=$(cat "$pid_file")
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 240); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.25
  done
  echo "pid $pid did not stop within 60 s; killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

if [ "${1:-}" = "--restart" ]; then
  case "${2:-}" in
    consul) stop_pid_file "$SDK_RUN_DIR/consul/consul.pid"; bash scripts/services/consul.sh ;;
    docker) stop_pid_file /var/run/docker.pid; bash scripts/services/docker.sh ;;
    *) echo "usage: $0 --restart consul|docker" >&2; exit 2 ;;
  esac
  exit 0
fi

cycles=${1:-1000}
bash scripts/install-deps.sh
bash scripts/start-services.sh
# TASKDRIVERS_SKIP_BUILD=1 runs the bench module as last built (bench/target/bench.jar) without building again
if [ "${TASKDRIVERS_SKIP_BUILD:-0}" != 1 ] || [ ! -f bench/target/bench.jar ]; then
  mvn -B -q -ntp -pl bench -am package -DskipTests
fi

# The soak's own image tag in the local registry: the docker driver pulls it and removes it when unused, which the
# leak check then verifies without touching the test images other users of the engine rely on.
registry=127.0.0.1:5000
image="$registry/taskdrivers/soak:1"
creds="$SDK_RUN_DIR/registry/credentials"
export DOCKER_CONFIG="$SDK_RUN_DIR/registry/docker-config"
mkdir -p "$DOCKER_CONFIG"
sed -n 's/^password=//p' "$creds" \
  | docker login -u "$(sed -n 's/^username=//p' "$creds")" --password-stdin "$registry" >/dev/null
docker tag taskdrivers-test/busybox:1 "$image"
docker push "$image" >/dev/null
docker rmi "$image" >/dev/null

work="$SDK_RUN_DIR/soak-$(date -u +%Y%m%dT%H%M%SZ)"
jar=$(mktemp --suffix=.jar)
trap 'rm -f "$jar"' EXIT
cp bench/target/bench.jar "$jar"
java -cp "$jar" dev.taskdrivers.bench.SoakMain --cycles "$cycles" --work "$work" --image "$image" \
  --auth-config "$DOCKER_CONFIG/config.json" --consul http://127.0.0.1:18500 \
  --consul-token-file "$SDK_RUN_DIR/consul/master-token" --restart-command "bash $here/soak.sh --restart"
