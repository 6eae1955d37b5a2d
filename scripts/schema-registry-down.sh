#!/usr/bin/env bash
# Stop the schema registry started by scripts/schema-registry-up.sh (its data is in memory and goes
# with it). Idempotent: exits 0 when nothing of ours runs.
#
# Environment: YTWATCH_SR_HOME (default ~/.cache/ytwatch-schema-registry).
set -euo pipefail

home="${YTWATCH_SR_HOME:-$HOME/.cache/ytwatch-schema-registry}"
pid_file="$home/registry.pid"
say() { printf 'schema-registry-down: %s\n' "$*"; }

pid="$(cat "$pid_file" 2>/dev/null || true)"
if [[ ! "$pid" =~ ^[0-9]+$ ]] || ! kill -0 "$pid" 2>/dev/null; then
  rm -f "$pid_file"
  say "not running"
  exit 0
fi
if ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'quarkus-run.jar'; then
  rm -f "$pid_file"
  say "pid $pid from $pid_file is not the registry (stale pid file); not touching it"
  exit 0
fi
kill "$pid"
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
rm -f "$pid_file"
say "stopped pid $pid"
