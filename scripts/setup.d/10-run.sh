#!/usr/bin/env bash
# What scripts/run.sh needs besides .NET: curl (its readiness check on the admin port's /readyz).
# setup-for: run
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
command -v curl >/dev/null 2>&1 || apt_install curl
