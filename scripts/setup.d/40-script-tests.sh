#!/usr/bin/env bash
# What the shell checks in tests/scripts need: python3 (a stand-in server holding a port, free ports).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
command -v python3 >/dev/null 2>&1 || apt_install python3
