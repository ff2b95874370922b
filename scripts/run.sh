#!/usr/bin/env bash
# Runs the embedded default: the demo gRPC backends (user-v1 / user-v2 h2c, user-secure https) and the gateway
# on config/switchyard.yaml + config/manifests (hot reload: edit a manifest, traffic moves). Prints the client
# command once the gateway it started is ready.
#   - Installs only what running needs: the scripts/setup.d pieces marked "# setup-for: run".
#   - If the gateway or the demo exits (e.g. a port is taken), stops at once with its exit code; its error is
#     the last thing it printed above.
#   - Ready means: the gateway process it started is alive, holds the admin port's listening socket, and
#     answers /readyz — another process answering on that port is never taken for it.
#   - Ctrl+C, SIGTERM or any exit stops the gateway and the demo (every background job of this script, by PID).
# For tests: SWITCHYARD_CONFIG (default config/switchyard.yaml), SWITCHYARD_ADMIN_PORT (default 9000, the admin
# entry point of that config) and DEMO_ARGS (extra arguments of `switchyard-demo serve`, e.g. ports).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
config="${SWITCHYARD_CONFIG:-config/switchyard.yaml}"
admin_port="${SWITCHYARD_ADMIN_PORT:-9000}"
say() { echo "run.sh: $*"; }

stopping=0
stop() {
  [ "$stopping" -eq 1 ] && return
  stopping=1
  trap '' INT TERM # a second Ctrl+C must not cut the clean-up short
  local pids
  pids=$(jobs -p)
  [ -z "$pids" ] && return
  say "stopping $(echo $pids | tr '\n' ' ')"
  kill -TERM $pids 2>/dev/null || true
  # The gateway lets running calls finish (lifeCycle.graceTimeOut, 10 s by default); then it is killed.
  for _ in $(seq 1 150); do
    alive=0
    for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  kill -KILL $pids 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "set-up: the pieces of scripts/setup.d that running needs"
bash scripts/setup.sh run
# The gateway runs in the form the container image ships: the trimmed self-contained ReadyToRun publish
# (src/Switchyard/Properties/PublishProfiles/trimmed.pubxml; less RSS than the plain build, README "Performance").
# The first publish takes minutes (trimming and precompiling the framework); later ones redo only what changed.
say "publishing the gateway (Release, -p:PublishProfile=trimmed into artifacts/trimmed) and building the demo"
publish_trimmed artifacts/trimmed
dotnet build src/Switchyard.Demo/Switchyard.Demo.csproj -c Release -v q --nologo -clp:ErrorsOnly
demo=src/Switchyard.Demo/bin/Release/net10.0/switchyard-demo.dll
gateway=artifacts/trimmed/switchyard

# listens PID PORT: the process PID holds a listening TCP socket on PORT (IPv4 or IPv6).
listens() {
  local inodes inode
  inodes=$(awk -v port="$(printf '%04X' "$2")" \
    'FNR > 1 && $4 == "0A" { split($2, a, ":"); if (a[2] == port) print $10 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null)
  for inode in $inodes; do
    ls -l "/proc/$1/fd" 2>/dev/null | grep -q "socket:\[$inode\]" && return 0
  done
  return 1
}

# exited NAME PID: if PID is gone, say so with its exit code and leave with that code.
exited() {
  kill -0 "$2" 2>/dev/null && return 0
  local code=0
  wait "$2" || code=$?
  [ "$code" -eq 0 ] && code=1
  say "$1 exited with code $code before the gateway was ready (its error is above); stopping"
  exit "$code"
}

say "starting the demo backends: dotnet $demo serve ${DEMO_ARGS:-}"
# shellcheck disable=SC2086 # DEMO_ARGS is a list of words
dotnet "$demo" serve ${DEMO_ARGS:-} &
demo_pid=$!
say "starting the gateway: $gateway run --config $config"
"$gateway" run --config "$config" &
gateway_pid=$!
say "gateway pid $gateway_pid, demo pid $demo_pid; waiting for :$admin_port/readyz of pid $gateway_pid"

ready=0
for _ in $(seq 1 600); do
  exited gateway "$gateway_pid"
  exited demo "$demo_pid"
  if listens "$gateway_pid" "$admin_port" && curl -sf "http://127.0.0.1:$admin_port/readyz" >/dev/null 2>&1; then
    ready=1
    break
  fi
  sleep 0.2
done
if [ "$ready" -ne 1 ]; then
  say "the gateway (pid $gateway_pid) was not ready after 120 s; stopping"
  exit 1
fi

cat <<MSG

Switchyard is serving config/manifests on :8000 (h2c + HTTP/1.1), :8443 (TLS) and :$admin_port (admin).
Call mypackage.UserService through it (80% user-v1, 20% user-v2):

  dotnet $demo call --gateway http://127.0.0.1:8000 --count 20
  dotnet $demo call --gateway http://127.0.0.1:8000 --method list --count 5
  dotnet $demo call --gateway http://127.0.0.1:8000 --authority grpc-secure.localhost --count 5

Health: curl http://127.0.0.1:$admin_port/readyz   Stop: Ctrl+C
MSG

code=0
wait -n "$gateway_pid" "$demo_pid" || code=$?
say "a process exited with code $code; stopping"
exit "$code"
