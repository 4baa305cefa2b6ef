#!/usr/bin/env bash
# Starts a local image registry on 127.0.0.1:5000 behind htpasswd auth, for real pulls in the docker driver's tests.
# One test user is generated on first run; its password lives only in $SDK_RUN_DIR/registry/credentials (mode 0600)
# and is never printed. Idempotent: an answering registry is left alone.
set -euo pipefail
run_dir="${SDK_RUN_DIR:-/var/lib/taskdrivers-test}"
dir="$run_dir/registry"
addr=127.0.0.1:5000
mkdir -p "$dir/data"
chmod 700 "$dir"

answering() {
  # 401 means the registry is up and wants credentials
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://$addr/v2/" || true)" = 401 ]
}

if [ ! -s "$dir/credentials" ] || [ ! -s "$dir/htpasswd" ]; then
  user=taskdrivers
  password=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
  (umask 077; printf 'username=%s\npassword=%s\n' "$user" "$password" > "$dir/credentials")
  printf '%s' "$password" | htpasswd -iBc "$dir/htpasswd" "$user" 2>/dev/null
  unset password
fi

cat > "$dir/config.yml" <<CONFIG
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: $addr
auth:
  htpasswd:
    realm: taskdrivers-test
    path: $dir/htpasswd
CONFIG

if answering; then
  echo "registry already running on $addr"
  exit 0
fi
setsid docker-registry serve "$dir/config.yml" >>"$dir/registry.log" 2>&1 < /dev/null &
echo $! > "$dir/registry.pid"
for _ in $(seq 1 60); do
  if answering; then
    echo "registry ready on $addr (credentials in $dir/credentials)"
    exit 0
  fi
  sleep 0.5
done
echo "registry did not answer on $addr; see $dir/registry.log" >&2
exit 1
