#!/usr/bin/env bash
# The trimmed self-contained publish (what the container image and scripts/run.sh run) prints what the plain build
# prints for every golden case, config/manifests and the CRDs: scripts/check-trimmed.sh, which publishes it into
# artifacts/trimmed first (scripts/test.sh runs this before run-sh.sh, which then finds the gateway published).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec bash scripts/check-trimmed.sh
