#!/usr/bin/env bash
# Starts the built server N times in a row on a fresh SQLite database, each time loads the
# home page once it listens, then stops it; counts the starts whose log shows a panic (the
# "reactive value … already disposed" of issue #6 appeared in about 1 start in 20 on a busy
# machine). Usage: scripts/start-loop.sh [N=40] [burners=2]   (after `cargo leptos build`)
# `burners` background processes keep the CPUs busy meanwhile, as on a shared runner.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${CONCERTO_BIN:-$ROOT/target/debug/concerto}"
runs="${1:-40}"
burners="${2:-2}"
dir="$(mktemp -d)"
pids=()
for _ in $(seq 1 "$burners"); do (while :; do :; done) & pids+=($!); done
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$dir"' EXIT
port=$((20000 + RANDOM % 20000))
panics=0
for i in $(seq 1 "$runs"); do
  rm -f "$dir"/db*
  log="$dir/run-$i.log"
  CONCERTO_ADDR="127.0.0.1:$port" DATABASE_URL="sqlite://$dir/db?mode=rwc" LEPTOS_SITE_ROOT="$ROOT/target/site" \
    RUST_LOG=warn "$BIN" serve >"$log" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do grep -q "listening" "$log" && break; sleep 0.1; done
  curl -s -o /dev/null "http://127.0.0.1:$port/" || true
  sleep 1
  kill "$server" 2>/dev/null; wait "$server" 2>/dev/null
  if grep -q "panicked" "$log"; then
    panics=$((panics + 1))
    echo "start $i: panic"; grep -m1 -A2 "panicked" "$log"
    cp "$log" "/tmp/concerto-start-panic-$i.log"
  fi
done
echo "starts: $runs, with a panic: $panics (CPU burners: $burners)"
