#!/usr/bin/env bash
# Installs everything Concerto's build and tests need, idempotently: a second run on a
# ready machine takes seconds. Versions are pinned here; bump them together with Cargo.lock.
set -euo pipefail

CARGO_LEPTOS_VERSION=0.3.11
# cargo-leptos 0.3.11's lock pins cargo-util-schemas 0.14.2, which needs rustc 1.96;
# 0.14.1 is API-compatible and builds on older toolchains.
CARGO_UTIL_SCHEMAS_VERSION=0.14.1
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3; exit}' "$ROOT/Cargo.lock")"

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"
started=$SECONDS

# The build tools are installed with the same sources and versions, but without their
# release profiles' fat LTO and single codegen unit: those make the final link run on one
# core for most of the build (20 of 27 minutes on a fresh 2-core machine). Optimisation
# level 1 is plenty for tools that mostly wait on rustc and wasm-opt.
export CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=false

# Downloads run beside the compilers: Chromium (Debian) and the npm packages are network
# bound, the cargo installs CPU bound.
pids=()
if ! command -v chromium >/dev/null 2>&1; then
  log "installing Chromium from Debian's packages (in the background)"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  ( t=$SECONDS; $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null \
    && log "Chromium installed in $((SECONDS - t)) s" ) &
  pids+=($!)
fi
if [ ! -d "$ROOT/end2end/node_modules" ] || [ "$ROOT/end2end/package-lock.json" -nt "$ROOT/end2end/node_modules/.installed" ]; then
  log "installing end2end npm packages (playwright-core, axe-core, binaryen for wasm-opt; in the background)"
  (cd "$ROOT/end2end" && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed) &
  pids+=($!)
fi

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli compiles beside cargo-leptos: each build has long single-threaded
# stretches (build scripts, linking) that the other fills.
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (matches Cargo.lock; in the background)"
  # Not --locked: its lock asks for a webpki-roots version the registry no longer serves.
  ( t=$SECONDS; cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force --quiet \
    && log "wasm-bindgen-cli built in $((SECONDS - t)) s" ) &
  pids+=($!)
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  log "building cargo-leptos $CARGO_LEPTOS_VERSION from source (once)"
  t=$SECONDS
  tmp="$(mktemp -d)"
  # `cargo info` downloads the crate into cargo's cache without needing any other tool.
  cargo info "cargo-leptos@$CARGO_LEPTOS_VERSION" >/dev/null
  crate="$(ls "$HOME"/.cargo/registry/cache/*/cargo-leptos-"$CARGO_LEPTOS_VERSION".crate | head -n1)"
  tar -xzf "$crate" -C "$tmp"
  (cd "$tmp/cargo-leptos-$CARGO_LEPTOS_VERSION" \
    && cargo update -p cargo-util-schemas --precise "$CARGO_UTIL_SCHEMAS_VERSION" \
    && cargo install --path . --locked --no-default-features --features no_downloads --quiet)
  rm -rf "$tmp"
  log "cargo-leptos built in $((SECONDS - t)) s"
fi

if ! cargo nextest --version >/dev/null 2>&1; then
  log "installing cargo-nextest (test runner with timeouts and retries)"
  cargo install cargo-nextest --locked
fi

for pid in "${pids[@]}"; do wait "$pid"; done
# Both were started in the background; a failure there must still stop the set-up.
wasm-bindgen --version >/dev/null && chromium --version >/dev/null

log "toolchain ready in $((SECONDS - started)) s: $(cargo leptos --version), wasm-bindgen $(wasm-bindgen --version | awk '{print $2}'), $(wasm-opt --version 2>/dev/null | head -n1), $(chromium --version 2>/dev/null)"
