#!/usr/bin/env bash
# Debian's prometheus (+ promtool): the real Prometheus server that scrapes the admin entry point in
# tests/Switchyard.DataPlane.Tests/Observability/PrometheusScrapeTests.cs, and the linter of our /metrics output.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
apt_install prometheus
