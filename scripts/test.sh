#!/usr/bin/env bash
# The whole test suite. Installs what it needs, builds, runs every test project, and ends with one line:
#   N passed, N failed, N skipped
# TEST_PROJECTS (default: every tests/*/*.csproj using Microsoft.NET.Test.Sdk) narrows the run. Test projects
# run TEST_PARALLEL at a time (default 1: several timing-sensitive wire tests flake when two assemblies share 2 cores);
# each one's output is printed in one piece when it finishes, followed by its skipped tests and their reasons.
set -uo pipefail
cd "$(dirname "$0")/.."
log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT

if ! bash scripts/setup.sh; then
  echo "setup failed"
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

if ! dotnet build Operator.sln -c Release --nologo -v q -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

# skipped_in TRX: "skipped: <test> — <reason>" for each test of a TRX file that did not run.
skipped_in() {
  python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for r in ET.parse(sys.argv[1]).getroot().iterfind(".//t:UnitTestResult", ns):
    if r.get("outcome") in ("NotExecuted", "Inconclusive", "Pending", "Disconnected", "Warning"):
        message = r.find("t:Output/t:ErrorInfo/t:Message", ns)
        reason = " ".join((message.text or "").split()) if message is not None else ""
        print(f"skipped: {r.get('testName')} — {reason or 'no reason given'}")
PY
}

# run_project CSPROJ: one test assembly, its output and TRX under $log_dir/<name>. Each runs with a hang guard:
# a test stuck for 5 minutes is killed and counted as failed.
run_project() {
  local name
  name=$(basename "$1" .csproj)
  dotnet test "$1" -c Release --no-build --nologo \
    --blame-hang-timeout 5m --blame-hang-dump-type none \
    --logger "console;verbosity=minimal" --logger "trx;LogFileName=$name.trx" \
    --results-directory "$log_dir/$name" > "$log_dir/$name.log" 2>&1
}

# show NAME CODE: the assembly's whole output, then its skipped tests with their reasons.
show() {
  echo "=== $1 (exit $2)"
  cat "$log_dir/$1.log"
  [ -f "$log_dir/$1/$1.trx" ] && skipped_in "$log_dir/$1/$1.trx" | tee -a "$log_dir/skipped.txt"
  cat "$log_dir/$1.log" >> "$log_dir/test.log"
}

projects=${TEST_PROJECTS:-$(grep -l "Microsoft.NET.Test.Sdk" tests/*/*.csproj | sort)}
parallel=${TEST_PARALLEL:-1}
rc=0
declare -A names=()
# finish_one: waits for the next test project to end and prints its output.
finish_one() {
  local code=0 done_pid
  wait -n -p done_pid "${!names[@]}" || code=$?
  show "${names[$done_pid]}" "$code"
  unset "names[$done_pid]"
  [ "$code" -eq 0 ] || rc=$code
}
for project in $projects; do
  [ "${#names[@]}" -ge "$parallel" ] && finish_one
  run_project "$project" &
  names[$!]=$(basename "$project" .csproj)
done
while [ "${#names[@]}" -gt 0 ]; do finish_one; done
touch "$log_dir/test.log"

# Sum the per-assembly summary lines: "Passed!  - Failed: 0, Passed: 12, Skipped: 1, Total: 13, ..."
read -r passed failed skipped < <(grep -E '^(Passed|Failed)!' "$log_dir/test.log" | awk -F'[:,]' '
  { f += $2; p += $4; s += $6 } END { printf "%d %d %d\n", p, f, s }')

# Shell-level checks (scripts that print SKIPPED where their tool is absent) add to the count.
for check in tests/scripts/*.sh; do
  [ -e "$check" ] || continue
  echo "=== $check"
  out=$(bash "$check" 2>&1); code=$?
  echo "$out" | tail -n 5
  if echo "$out" | grep -q '^SKIPPED'; then
    skipped=$((skipped + 1))
    echo "skipped: $check — $(echo "$out" | grep -m1 '^SKIPPED' | sed 's/^SKIPPED:* *//')" | tee -a "$log_dir/skipped.txt"
  elif [ $code -eq 0 ]; then passed=$((passed + 1))
  else failed=$((failed + 1)); echo "script check failed: $check"; fi
done

if [ -s "$log_dir/skipped.txt" ]; then
  echo "=== skipped tests and why"
  cat "$log_dir/skipped.txt"
fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $rc without a failed test (crash or hang?)"
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
