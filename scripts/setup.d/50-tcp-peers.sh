#!/usr/bin/env bash
# Debian redis-server + redis-tools and haproxy: real peers of the TCP routing tests (a Redis reached through an
# IngressRouteTCP), of rateLimit.redis (buckets shared by two gateways) and the TCP benchmark (haproxy in mode tcp).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
apt_install redis-server redis-tools haproxy
