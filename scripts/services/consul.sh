#!/usr/bin/env bash
# Starts a Consul agent in dev mode for consul-service's tests and waits until it has a leader.
# HTTP on 127.0.0.1:18500, HTTPS on 127.0.0.1:18501, ACLs on with default policy deny.
# Files under $SDK_RUN_DIR/consul: master-token (generated once, mode 600), tls/ (a CA and a server certificate made
# with `consul tls`), agent.hcl, consul.pid, consul.log.
# Idempotent: an agent that answers with a leader is left alone; a stale pid file from a dead agent is removed.
set -euo pipefail
tools="${SDK_TOOLS_DIR:-/opt/taskdriver-tools}"
run_dir="${SDK_RUN_DIR:-/var/lib/taskdrivers-test}"
consul="$tools/consul/usr/bin/consul"
dir="$run_dir/consul"
mkdir -p "$dir"

if [ ! -x "$consul" ]; then
  echo "no consul binary at $consul; run scripts/install-deps.sh first" >&2
  exit 1
fi

has_leader() {
  local leader
  leader=$(curl -s --max-time 2 http://127.0.0.1:18500/v1/status/leader 2>/dev/null || true)
  [ -n "$leader" ] && [ "$leader" != '""' ]
}

if has_leader; then
  echo "consul agent already running"
  exit 0
fi

if [ ! -s "$dir/master-token" ]; then
  (umask 077; cat /proc/sys/kernel/random/uuid > "$dir/master-token")
fi
token=$(cat "$dir/master-token")

if [ ! -s "$dir/tls/dc1-server-consul-0.pem" ]; then
  rm -rf "$dir/tls" && mkdir -p "$dir/tls"
  (cd "$dir/tls" && "$consul" tls ca create >/dev/null && "$consul" tls cert create -server -dc dc1 >/dev/null)
fi

(umask 077; cat > "$dir/agent.hcl" <<EOF
acl {
  enabled = true
  default_policy = "deny"
  enable_token_persistence = false
  tokens {
    master = "$token"
    agent = "$token"
  }
}
ports {
  https = 18501
}
cert_file = "$dir/tls/dc1-server-consul-0.pem"
key_file = "$dir/tls/dc1-server-consul-0-key.pem"
ca_file = "$dir/tls/consul-agent-ca.pem"
verify_incoming = false
verify_outgoing = false
EOF
)

pid_file="$dir/consul.pid"
if [ -f "$pid_file" ] && ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
  rm -f "$pid_file"
fi
if ! { [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; }; then
  setsid "$consul" agent -dev -bind 127.0.0.1 -client 127.0.0.1 -config-file "$dir/agent.hcl" \
      -http-port 18500 -dns-port -1 -grpc-port -1 \
      -server-port 18300 -serf-lan-port 18301 -serf-wan-port 18302 \
      >>"$dir/consul.log" 2>&1 < /dev/null &
  echo $! > "$pid_file"
fi

for _ in $(seq 1 120); do
  if has_leader; then
    echo "consul agent ready: $("$consul" version | head -1), ACL token in $dir/master-token"
    exit 0
  fi
  sleep 0.25
done
echo "consul agent has no leader after 30 s; see $dir/consul.log" >&2
exit 1
