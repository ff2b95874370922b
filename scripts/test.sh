#!/usr/bin/env bash
# The whole test suite. Installs what it needs, builds, runs every test project, and ends with one line:
#   N passed, N failed, N skipped
set -uo pipefail
cd "$(dirname "$0")/.."
log_dir=$(mktemp -d)

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

# Each assembly runs with a hang guard: a test stuck for 5 minutes is killed and counted as failed.
dotnet test Operator.sln -c Release --no-build --nologo \
  --blame-hang-timeout 5m --blame-hang-dump-type none \
  --logger "console;verbosity=minimal" 2>&1 | tee "$log_dir/test.log"
rc=${PIPESTATUS[0]}

# Sum the per-assembly summary lines: "Passed!  - Failed: 0, Passed: 12, Skipped: 1, Total: 13, ..."
read -r passed failed skipped < <(grep -E '^(Passed|Failed)!' "$log_dir/test.log" | awk -F'[:,]' '
  { f += $2; p += $4; s += $6 } END { printf "%d %d %d\n", p, f, s }')

# Shell-level checks (scripts that print SKIPPED where their tool is absent) add to the count.
for check in tests/scripts/*.sh; do
  [ -e "$check" ] || continue
  out=$(bash "$check" 2>&1); code=$?
  echo "$out" | tail -n 5
  if echo "$out" | grep -q '^SKIPPED'; then skipped=$((skipped + 1))
  elif [ $code -eq 0 ]; then passed=$((passed + 1))
  else failed=$((failed + 1)); echo "script check failed: $check"; fi
done

if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $rc without a failed test (crash or hang?)"
  failed=1
fi
rm -rf "$log_dir"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
