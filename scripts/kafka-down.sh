#!/usr/bin/env bash
# Stop the broker started by scripts/kafka-up.sh: SIGTERM (controlled shutdown), wait, then SIGKILL.
# Idempotent: exits 0 when nothing of ours runs. Leaves the jars and the data in the cache.
#
# Environment: YTWATCH_KAFKA_HOME (default ~/.cache/ytwatch-kafka), KAFKA_STOP_TIMEOUT (default 30 s).
set -euo pipefail

cache="${YTWATCH_KAFKA_HOME:-$HOME/.cache/ytwatch-kafka}"
pid_file="$cache/kafka.pid"
stop_timeout="${KAFKA_STOP_TIMEOUT:-30}"

say() { printf 'kafka-down: %s\n' "$*"; }

if [[ "${YTWATCH_KAFKA_LOCKED:-0}" != 1 && -d "$cache" ]]; then
  exec 9>"$cache/up.lock"
  flock -w 120 9 || { say "timed out waiting for a running kafka-up.sh" >&2; exit 1; }
fi

pid="$(cat "$pid_file" 2>/dev/null || true)"
if [[ ! "$pid" =~ ^[0-9]+$ ]] || ! kill -0 "$pid" 2>/dev/null; then
  rm -f "$pid_file"
  say "not running"
  exit 0
fi
if ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka'; then
  rm -f "$pid_file"
  say "pid $pid from $pid_file is not a Kafka broker (stale pid file); not touching it"
  exit 0
fi

start=$SECONDS
kill -TERM "$pid" 2>/dev/null || true
while kill -0 "$pid" 2>/dev/null && ((SECONDS - start < stop_timeout)); do
  sleep 0.2
done
if kill -0 "$pid" 2>/dev/null; then
  say "pid $pid still alive after ${stop_timeout}s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
fi
rm -f "$pid_file"
say "stopped pid $pid in $((SECONDS - start)) s"
