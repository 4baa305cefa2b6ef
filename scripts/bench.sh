#!/usr/bin/env bash
# Runs every benchmark (or those named: scripts/bench.sh raw-exec-start docker-start) and writes the report under
# results/<UTC timestamp>/: report.md (figures, targets, raw numbers, the machine) and start-latency.png (task start
# latency percentiles per driver). Installs and starts what the benchmarks need, then builds the bench module and
# the modules it uses. Exits 1 when a benchmark could not complete.
set -euo pipefail
cd "$(dirname "$0")/.."
export SDK_TOOLS_DIR="${SDK_TOOLS_DIR:-/opt/taskdriver-tools}"
export SDK_RUN_DIR="${SDK_RUN_DIR:-/var/lib/taskdrivers-test}"

bash scripts/install-deps.sh
bash scripts/start-services.sh
# TASKDRIVERS_SKIP_BUILD=1 runs the bench module as last built (bench/target/bench.jar) without building again
if [ "${TASKDRIVERS_SKIP_BUILD:-0}" != 1 ] || [ ! -f bench/target/bench.jar ]; then
  # the command line too: cli-oneshot runs its launcher
  mvn -B -q -ntp -pl bench,cli -am package -DskipTests
fi

out="results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
# run a private copy: a rebuild of the module while the benchmarks run must not swap the jar under them
jar=$(mktemp --suffix=.jar)
trap 'rm -f "$jar"' EXIT
cp bench/target/bench.jar "$jar"
status=0
java -Djava.awt.headless=true -jar "$jar" --report "$out" "$@" 2>&1 | tee "$out/bench.log" || status=$?
echo "results in $out"
exit "$status"
