#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what it needs, starts the services, runs every module's tests
# (unit and real: Docker engine, image registry, Consul agent, QEMU, processes, namespaces and cgroups), builds the
# javadoc, then checks that nothing of ours was left behind.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/start-services.sh
mvn -B -ntp -Pjavadoc verify "$@"
bash scripts/check-leaks.sh
