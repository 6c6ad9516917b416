#!/usr/bin/env bash
# Re-measures how often a server-rendered page gets stuck or a test fails intermittently
# (see README, "Tests"): runs the integration suite N times and prints figures.
# Usage: scripts/stress-ssr.sh [N=20]   (expects scripts/test.sh to have run once)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export RUSTFLAGS="--cfg erase_components" LEPTOS_OUTPUT_NAME=concerto LEPTOS_SITE_ROOT=target/site \
  LEPTOS_SITE_PKG_DIR=pkg LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=app \
  LEPTOS_BIN_DIR=server LEPTOS_JS_MINIFY=false LEPTOS_HASH_FILES=false
export CONCERTO_TEST_PG_URL="${CONCERTO_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
runs="${1:-20}"
failed=0
for i in $(seq 1 "$runs"); do
  if ! cargo nextest run -p concerto --retries 0 --no-fail-fast --test-threads 4 >"/tmp/concerto-stress-$i.log" 2>&1; then
    failed=$((failed + 1))
    echo "run $i: failure, log in /tmp/concerto-stress-$i.log"
  fi
done
echo "runs: $runs, runs with a failed or stuck test: $failed"
