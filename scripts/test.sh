#!/usr/bin/env bash
# Runs every test of Concerto: unit tests of the domain rules, integration tests against the
# real server on SQLite and PostgreSQL, and browser tests in Chromium with axe-core.
# Installs whatever is missing first (see scripts/setup.sh). Usage: scripts/test.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
"$ROOT/scripts/setup.sh"
export PATH="$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"
"$ROOT/scripts/ensure-postgres.sh"
export CONCERTO_TEST_PG_URL="${CONCERTO_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }

step "building the site: server binary and WebAssembly (cargo leptos build)"
cargo leptos build

step "unit tests (domain rules) and integration tests (real server on SQLite and PostgreSQL)"
# The same flags and variables cargo-leptos gives rustc for a debug build, so the tests reuse
# its compiled crates instead of building the whole server a second time.
(
  export RUSTFLAGS="--cfg erase_components" LEPTOS_OUTPUT_NAME=concerto LEPTOS_SITE_ROOT=target/site \
    LEPTOS_SITE_PKG_DIR=pkg LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=app \
    LEPTOS_BIN_DIR=server LEPTOS_JS_MINIFY=false LEPTOS_HASH_FILES=false
  cargo nextest run -p app --features ssr --lib
  cargo nextest run -p concerto
)

step "lints: formatting and clippy (warnings are errors)"
(
  export RUSTFLAGS="--cfg erase_components" LEPTOS_OUTPUT_NAME=concerto LEPTOS_SITE_ROOT=target/site \
    LEPTOS_SITE_PKG_DIR=pkg LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=app \
    LEPTOS_BIN_DIR=server LEPTOS_JS_MINIFY=false LEPTOS_HASH_FILES=false
  cargo fmt --all -- --check
  cargo clippy -p app --features ssr --all-targets -- -D warnings
  cargo clippy -p concerto --all-targets -- -D warnings
)

step "browser tests (Chromium, axe-core)"
(cd end2end && node --test --test-concurrency=1 --test-timeout=900000 tests/)
