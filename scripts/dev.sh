#!/usr/bin/env bash
# Builds and runs Concerto at http://127.0.0.1:3000 with an embedded SQLite database
# (data/concerto.db, created and migrated on start). Installs whatever is missing first.
# Extra arguments go to `cargo leptos serve` (e.g. --release).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
"$ROOT/scripts/setup.sh"
export PATH="$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"
exec cargo leptos serve "$@"
