#!/usr/bin/env bash
# Prints how fast Concerto serves an objective page with 1,000 comments (and the list and
# the discussion API), and how it takes 200 members voting in the same second, on SQLite
# and on PostgreSQL, from a release build. Figures only: no
# threshold is asserted, the machine may be shared. Usage: scripts/bench.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
"$ROOT/scripts/ensure-postgres.sh"
export CONCERTO_TEST_PG_URL="${CONCERTO_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export LEPTOS_OUTPUT_NAME=concerto LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=app LEPTOS_BIN_DIR=server \
  LEPTOS_JS_MINIFY=false LEPTOS_HASH_FILES=false
cargo bench -p concerto --bench discussion --bench votes
