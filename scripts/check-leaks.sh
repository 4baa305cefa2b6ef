#!/usr/bin/env bash
# After the suite: fails when anything the SDK creates is still there: containers with our label, Consul services or
# checks with our ID prefix, supervisors of ours, qemu guests, task cgroups, mounts under task directories, and the
# network namespaces of bridge groups of exec tasks (td-* namespaces, tdveth* links, DNAT rules commented
# taskdrivers:td-*, their records in /run/taskdrivers/group-networks). The bridge tdbridge0 and its shared rules
# (comment taskdrivers-bridge) stay by design.
set -uo pipefail
run_dir="${SDK_RUN_DIR:-/var/lib/taskdrivers-test}"
leaks=0
report() { echo "LEAK: $1"; leaks=$((leaks + 1)); }

if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  left=$(docker ps -aq --filter label=dev.taskdrivers.managed=true)
  [ -z "$left" ] || report "containers: $(echo $left)"
fi

token_file="$run_dir/consul/master-token"
if [ -s "$token_file" ]; then
  services=$(curl -s --max-time 5 -H "X-Consul-Token: $(cat "$token_file")" http://127.0.0.1:18500/v1/agent/services \
    | grep -o '"ID": *"_taskdrivers[^"]*"' || true)
  [ -z "$services" ] || report "consul services: $services"
fi

procs=$(pgrep -af 'supervisor\.sh|forkserver-.*\.pl|qemu-system' | grep -v pgrep || true)
[ -z "$procs" ] || report "processes: $procs"

cgroups=$(find /sys/fs/cgroup/*/taskdrivers /sys/fs/cgroup/unified/taskdrivers -mindepth 1 -type d 2>/dev/null || true)
[ -z "$cgroups" ] || report "cgroups: $cgroups"

mounts=$(grep -E 'taskdrivers|/alloc/|/local |/secrets ' /proc/self/mountinfo || true)
[ -z "$mounts" ] || report "mounts: $mounts"

if command -v ip >/dev/null; then
  namespaces=$(ip netns list 2>/dev/null | awk '$1 ~ /^td-/ {print $1}' || true)
  [ -z "$namespaces" ] || report "network namespaces: $(echo $namespaces)"
  veths=$(ip -o link show 2>/dev/null | awk -F': ' '$2 ~ /^tdveth[0-9]+(@|$)/ {sub(/@.*/, "", $2); print $2}' || true)
  [ -z "$veths" ] || report "veth links: $(echo $veths)"
fi
if command -v iptables >/dev/null; then
  forwards=$(iptables -w -t nat -S 2>/dev/null | grep -E -- '--comment "?taskdrivers:td-' || true)
  [ -z "$forwards" ] || report "port forwards: $forwards"
fi
records=$(ls /run/taskdrivers/group-networks/td-*.forwards 2>/dev/null || true)
[ -z "$records" ] || report "port forward records: $(echo $records)"

if [ "$leaks" -gt 0 ]; then
  echo "check-leaks: $leaks kind(s) of leftovers"
  exit 1
fi
echo "check-leaks: nothing of ours left (containers, consul services, processes, cgroups, mounts, network namespaces)"
