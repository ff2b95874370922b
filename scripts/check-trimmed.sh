#!/usr/bin/env bash
# Checks the trimmed self-contained publish (src/Switchyard/Properties/PublishProfiles/trimmed.pubxml) against the
# plain build where trimming can break it: code that reaches framework members only by reflection (System.Text.Json's
# reflection serializer, the CRD schema builder) finds them in the full framework but not in a trimmed one, and no
# analyzer sees that. For every golden case of tests/Switchyard.Routing.Tests/golden (with the shared _base fixtures),
# for config/manifests, and for the CRDs it generates, the trimmed `switchyard` must print exactly what the plain
# build prints, with the same exit code.
#   bash scripts/check-trimmed.sh [PUBLISH_DIR]   (default: publishes the profile into artifacts/trimmed first)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
publish="${1:-artifacts/trimmed}"
if [ -z "${1:-}" ]; then
  publish_trimmed "$publish"
fi
dotnet build src/Switchyard/Switchyard.csproj -c Release --nologo -v q -clp:ErrorsOnly
plain=(dotnet src/Switchyard/bin/Release/net10.0/switchyard.dll)
trimmed=("$publish/switchyard")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
checked=0

# same NAME ARGS...: both builds run `switchyard ARGS...` (side by side: two processes, two cores — 218 runs are most of
# this check's time in the suite); output and exit code must be equal.
same() {
  local name=$1 a=0 b=0 pa pb
  shift
  "${plain[@]}" "$@" >"$work/plain" 2>&1 &
  pa=$!
  "${trimmed[@]}" "$@" >"$work/trimmed" 2>&1 &
  pb=$!
  wait "$pa" || a=$?
  wait "$pb" || b=$?
  checked=$((checked + 1))
  if [ "$a" -ne "$b" ] || ! cmp -s "$work/plain" "$work/trimmed"; then
    failed=$((failed + 1))
    echo "check-trimmed: DIFFERS: $name (exit $a plain, $b trimmed)"
    diff "$work/plain" "$work/trimmed" | head -n 20 | sed 's/^/  | /'
  fi
}

golden=tests/Switchyard.Routing.Tests/golden
for case in "$golden"/*/; do
  name=$(basename "$case")
  [[ "$name" == _* ]] && continue
  same "validate $name" validate "$golden/_base" "$case"
done
same "validate config/manifests" validate config/manifests
same "validate --config config/switchyard.yaml" validate --config config/switchyard.yaml
# The CRD generator reads our model types by reflection and serializes their schemas.
mkdir -p "$work/crds-plain" "$work/crds-trimmed"
"${plain[@]}" crds --out "$work/crds-plain" >/dev/null
"${trimmed[@]}" crds --out "$work/crds-trimmed" >/dev/null
checked=$((checked + 1))
if ! diff -r "$work/crds-plain" "$work/crds-trimmed" >"$work/crds.diff"; then
  failed=$((failed + 1))
  echo "check-trimmed: DIFFERS: crds"
  head -n 20 "$work/crds.diff" | sed 's/^/  | /'
fi
echo "check-trimmed: $checked checks, $failed differ ($publish/switchyard vs the plain build)"
[ "$failed" -eq 0 ]
