#!/usr/bin/env bash
# The demo: builds the command line jar, then runs examples/demo.json on raw_exec with the in-process service
# registry (no external service needed). It shows the task events as they happen, the service registration and its
# HTTP check turning passing, the environment the tasks saw, and ends with the run's exit code (0: every task succeeded).
# SKIP_BUILD=1 reuses an existing cli/target/taskdrivers.jar.
set -euo pipefail
cd "$(dirname "$0")/.."

# The demo's tasks serve and fetch HTTP with busybox.
if [ ! -x /bin/busybox ]; then
  echo "== installing busybox-static"
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q busybox-static
fi

if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f cli/target/taskdrivers.jar ]; then
  echo "== building the command line (mvn -pl cli -am package)"
  mvn -q -DskipTests -pl cli -am package
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== drivers on this machine"
cli/target/taskdrivers drivers | grep -E '^[a-z_]+ ' || true

echo "== taskdrivers run examples/demo.json"
set +e
cli/target/taskdrivers run examples/demo.json --state-dir "$work/state" --data-dir "$work/data"
code=$?
set -e

echo "== what the tasks printed (their stdout logs)"
find "$work/data/alloc" -path '*/logs/*stdout*' -type f | sort | while read -r f; do
  echo "[$(basename "$f")]"
  cat "$f"
done
echo "== demo finished with exit code $code"
exit "$code"
