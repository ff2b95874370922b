#!/usr/bin/env bash
# scripts/run.sh, run for real on free 127.0.0.1 ports (issue 16 item 6):
#   1. its admin port is held by another process that answers /readyz with 200: run.sh stops with the gateway's
#      own error and exit code, never prints "serving", and leaves no demo process;
#   2. SIGINT to its process group (what Ctrl+C does) once it serves: no gateway or demo process is left;
#   3. SIGTERM to the script alone just after it started the gateway: no process is left.
set -uo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
stand_in=""
runner=""
cleanup() {
  [ -n "$stand_in" ] && kill "$stand_in" 2>/dev/null
  # A failed check may leave run.sh running: stop it (it stops its own processes), then whatever is left in its group.
  if [ -n "$runner" ] && kill -0 "$runner" 2>/dev/null; then
    kill -TERM "$runner" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$runner" 2>/dev/null || break; sleep 0.2; done
    left=$(in_group "$runner"); [ -n "$left" ] && kill -KILL $left 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "run-sh: FAILED: $*"
  [ -f "$work/out" ] && sed 's/^/  | /' "$work/out" | tail -n 40
  exit 1
}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
alive() { kill -0 "$1" 2>/dev/null; }
# in_group PGID: the PIDs still in process group PGID.
in_group() { awk -v g="$1" '{ sub(/^.*\) /, ""); split($0, f, " "); if (f[3] == g) printf "%s ", FILENAME }' /proc/[0-9]*/stat 2>/dev/null | sed 's|/proc/||g; s|/stat||g'; }
# wait_for TEXT SECONDS PID: until the output has TEXT (0), PID exits (1) or time is up (2).
wait_for() {
  for _ in $(seq 1 $(($2 * 5))); do
    grep -q "$1" "$work/out" && return 0
    alive "$3" || { grep -q "$1" "$work/out" && return 0; return 1; }
    sleep 0.2
  done
  return 2
}
# start_runner: scripts/run.sh in a session (process group) of its own, output in $work/out, PID in $runner. A job
# started with & gets SIGINT ignored, and bash cannot trap a signal ignored at entry; a terminal's foreground
# run.sh can. So the launcher restores SIGINT before it becomes run.sh.
start_runner() {
  python3 -c 'import os, signal; signal.signal(signal.SIGINT, signal.SIG_DFL); os.setsid(); os.execvp("bash", ["bash", "scripts/run.sh"])' \
    > "$work/out" 2>&1 &
  runner=$!
}
# ended PID SECONDS: PID exits within SECONDS.
ended() {
  for _ in $(seq 1 $(($2 * 5))); do alive "$1" || return 0; sleep 0.2; done
  return 1
}

web=$(free_port); websecure=$(free_port); admin=$(free_port)
mkdir -p "$work/manifests"
cp -r config/manifests/. "$work/manifests/"
cat > "$work/switchyard.yaml" <<YAML
entryPoints:
  web:
    address: "127.0.0.1:$web"
  websecure:
    address: "127.0.0.1:$websecure"
    tls: {}
  admin:
    address: "127.0.0.1:$admin"
    admin: true
providers:
  file:
    directory: manifests
YAML
export SWITCHYARD_CONFIG="$work/switchyard.yaml" SWITCHYARD_ADMIN_PORT="$admin"
export DEMO_ARGS="--v1-port $(free_port) --v2-port $(free_port) --secure-port $(free_port)"

# 1. The admin port is taken by a stand-in that answers every GET (so /readyz too) with 200.
python3 - "$admin" <<'PY' &
import http.server, sys
class Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Ok).serve_forever()
PY
stand_in=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$admin/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$admin/readyz" >/dev/null || fail "the stand-in server did not start"

start_runner
# The first run publishes the trimmed gateway (minutes on a busy machine); the later ones find it published.
ended "$runner" 1200 || { kill -TERM "$runner"; fail "1: run.sh still running with its admin port taken"; }
wait "$runner"; code=$?
grep -q "Switchyard is serving" "$work/out" && fail "1: run.sh took another process's /readyz for its gateway's"
grep -q "gateway exited with code" "$work/out" || fail "1: run.sh did not say the gateway exited"
grep -qi "address already in use\|cannot listen" "$work/out" || fail "1: the gateway's error is not shown"
[ "$code" -ne 0 ] || fail "1: run.sh exited 0"
[ -z "$(in_group "$runner")" ] || fail "1: left behind: $(in_group "$runner")"
echo "run-sh: 1. admin port taken: run.sh exited $code with the gateway's error"
kill "$stand_in"; wait "$stand_in" 2>/dev/null; stand_in=""

# 2. Ctrl+C once it serves: SIGINT to the whole process group, as a terminal sends it.
start_runner
wait_for "Switchyard is serving" 300 "$runner" || { kill -TERM "$runner"; fail "2: run.sh did not serve"; }
pids=$(sed -n 's/.*gateway pid \([0-9]*\), demo pid \([0-9]*\).*/\1 \2/p' "$work/out")
[ -n "$pids" ] || fail "2: run.sh did not print the PIDs it started"
kill -INT -- "-$runner"
ended "$runner" 60 || fail "2: run.sh still running 60 s after SIGINT"
for pid in $pids; do alive "$pid" && fail "2: pid $pid still running after Ctrl+C"; done
[ -z "$(in_group "$runner")" ] || fail "2: left behind: $(in_group "$runner")"
echo "run-sh: 2. Ctrl+C while serving: gateway and demo ($pids) stopped"

# 3. SIGTERM to the script alone as soon as it has started the gateway (before it is ready).
start_runner
wait_for "starting the gateway" 300 "$runner" || { kill -TERM "$runner"; fail "3: run.sh did not start the gateway"; }
kill -TERM "$runner"
ended "$runner" 60 || fail "3: run.sh still running 60 s after SIGTERM"
left=$(in_group "$runner")
[ -z "$left" ] || { kill -KILL $left 2>/dev/null; fail "3: left behind after SIGTERM: $left"; }
echo "run-sh: 3. SIGTERM during start-up: nothing left"
echo "run-sh: passed"
