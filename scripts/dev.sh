#!/usr/bin/env bash
# Builds and runs Concerto at http://127.0.0.1:3000 with an embedded SQLite database
# (data/concerto.db, created and migrated on start). Installs whatever is missing first.
#   scripts/dev.sh            the site; prints a one-time link to create the first admin
#   scripts/dev.sh --demo     the same, with the French demo assembly loaded first
#   scripts/dev.sh --release  an optimised build (slower to compile, faster to use)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
"$ROOT/scripts/setup.sh"
export PATH="$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"
demo=false
args=()
for a in "$@"; do
  if [ "$a" = "--demo" ]; then demo=true; else args+=("$a"); fi
done
if $demo; then
  cargo leptos build "${args[@]}"
  profile=debug
  for a in "${args[@]}"; do [ "$a" = "--release" ] && profile=release; done
  "target/$profile/concerto" demo
fi
exec cargo leptos serve "${args[@]}"
