#!/usr/bin/env bash
# Starts every service the test suite needs (Docker engine, image registry, Consul agent) and builds the test
# images and the QEMU guest. Idempotent: what already runs is left running. Each piece is one script in services/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export SDK_TOOLS_DIR="${SDK_TOOLS_DIR:-/opt/taskdriver-tools}"
export SDK_RUN_DIR="${SDK_RUN_DIR:-/var/lib/taskdrivers-test}"
mkdir -p "$SDK_RUN_DIR"
for s in "$here"/services/*.sh; do
  echo "== $(basename "$s")"
  bash "$s"
done
