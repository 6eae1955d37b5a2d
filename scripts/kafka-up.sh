#!/usr/bin/env bash
# Start a single-node Apache Kafka (KRaft, broker+controller) for ytwatch development, tests and
# benchmarks, from Apache Kafka's own jars on Maven Central. No Docker, no tarball download.
#
#   scripts/kafka-up.sh            start (or say it is already running) and exit 0 once ready
#   KAFKA_RESET=1 scripts/kafka-up.sh   stop our broker if running, wipe its data, start fresh
#
# Environment (all optional):
#   YTWATCH_KAFKA_HOME     cache folder, outside the repo       (default ~/.cache/ytwatch-kafka)
#   KAFKA_VERSION          Apache Kafka version                 (default 4.1.1)
#   KAFKA_HOST             listener address                     (default 127.0.0.1)
#   KAFKA_PORT             broker port                          (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port                (default 9093)
#   KAFKA_HEAP_OPTS        JVM heap                             (default -Xms256m -Xmx512m)
#   KAFKA_START_TIMEOUT    seconds to wait for readiness        (default 300)
#   KAFKA_RESET=1          wipe the data folder before starting
#
# Cache layout: kafka-$VERSION/libs (jars, resolved once), m2/ (Maven's local repo), data/ (log.dirs),
# server.properties and log4j2.properties (rendered), kafka.log (broker output), kafka.pid.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
templates="$here/kafka"

cache="${YTWATCH_KAFKA_HOME:-$HOME/.cache/ytwatch-kafka}"
version="${KAFKA_VERSION:-4.1.1}"
host="${KAFKA_HOST:-127.0.0.1}"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
heap="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
# An empty broker is ready in ~3 s; one holding thousands of partitions loads each of them first,
# which took over 90 s on a busy 2-core machine (test files start it while others run).
timeout_s="${KAFKA_START_TIMEOUT:-300}"
reset="${KAFKA_RESET:-0}"

dist="$cache/kafka-$version"
libs="$dist/libs"
data="$cache/data"
log_file="$cache/kafka.log"
pid_file="$cache/kafka.pid"

say() { printf 'kafka-up: %s\n' "$*"; }
die() { printf 'kafka-up: error: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# True when something accepts TCP connections on host:port (bash's /dev/tcp; no nc needed).
port_open() {
  # shellcheck disable=SC2016 # $0/$1 expand in the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

# Pid from the pid file when that process is alive and is our broker; empty otherwise.
our_pid() {
  [[ -f "$pid_file" ]] || return 0
  local pid
  pid="$(cat "$pid_file" 2>/dev/null || true)"
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka'; then
    echo "$pid"
  fi
}

show_log_tail() {
  if [[ -s "$log_file" ]]; then
    printf -- '--- last 40 lines of %s ---\n' "$log_file" >&2
    tail -n 40 "$log_file" >&2
    printf -- '---\n' >&2
  else
    printf -- '(the broker log %s is empty)\n' "$log_file" >&2
  fi
}

command -v java >/dev/null || die "java not found (Kafka $version needs Java 17+)"
mkdir -p "$cache"

# Serialise concurrent callers (test files run in parallel processes): the second waits, then finds
# the port open.
exec 9>"$cache/up.lock"
flock -w $((timeout_s + 600)) 9 || die "timed out waiting for another kafka-up.sh (lock $cache/up.lock)"

if port_open "$host" "$port"; then
  if [[ "$reset" != 1 ]]; then
    pid="$(our_pid)"
    say "already running on $host:$port${pid:+ (pid $pid)}; nothing to do"
    exit 0
  fi
  [[ -n "$(our_pid)" ]] ||
    die "KAFKA_RESET=1 but $host:$port is held by a process this script did not start; stop it first"
  say "KAFKA_RESET=1: stopping the running broker first"
  YTWATCH_KAFKA_HOME="$cache" YTWATCH_KAFKA_LOCKED=1 "$here/kafka-down.sh"
fi

stale="$(our_pid)"
if [[ -n "$stale" ]]; then
  # Alive but not listening: a broker that hung while starting or shutting down.
  say "a broker (pid $stale) runs but does not listen on $port; stopping it"
  YTWATCH_KAFKA_HOME="$cache" YTWATCH_KAFKA_LOCKED=1 "$here/kafka-down.sh"
fi
rm -f "$pid_file"

t0="$(now)"

# 1. Jars, resolved once with Maven into the cache.
if [[ ! -f "$libs/.complete" ]]; then
  command -v mvn >/dev/null || die "mvn not found (needed once to fetch Kafka $version jars)"
  say "resolving Apache Kafka $version jars from Maven Central into $libs (first run only)"
  mkdir -p "$dist"
  sed "s/@KAFKA_VERSION@/$version/g" "$templates/pom.xml" >"$dist/pom.xml"
  rm -rf "$libs.tmp"
  if ! mvn -q -B -f "$dist/pom.xml" -Dmaven.repo.local="$cache/m2" \
    org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$libs.tmp" >"$dist/mvn.log" 2>&1; then
    tail -n 30 "$dist/mvn.log" >&2
    die "Maven could not resolve Kafka $version (full log: $dist/mvn.log)"
  fi
  rm -rf "$libs"
  mv "$libs.tmp" "$libs"
  touch "$libs/.complete"
  say "resolved $(find "$libs" -name '*.jar' | wc -l) jars in $(elapsed "$t0") s"
fi
classpath="$libs/*"

# 2. Configuration, rendered into the cache so a running broker does not depend on the work tree.
if [[ "$reset" == 1 ]]; then
  say "KAFKA_RESET=1: wiping $data"
  rm -rf "$data"
fi
mkdir -p "$data"
sed -e "s|@HOST@|$host|g" -e "s|@PORT@|$port|g" -e "s|@CONTROLLER_PORT@|$controller_port|g" \
  -e "s|@DATA_DIR@|$data|g" "$templates/server.properties" >"$cache/server.properties"
cp "$templates/log4j2.properties" "$cache/log4j2.properties"

# 3. Format the storage once (KRaft needs a cluster id and a bootstrap controller record).
if [[ ! -f "$data/meta.properties" ]]; then
  cluster_id="$(java -cp "$classpath" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
  [[ -n "$cluster_id" ]] || die "kafka.tools.StorageTool random-uuid printed nothing"
  if ! java -Dlog4j2.configurationFile="$cache/log4j2.properties" -cp "$classpath" \
    kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$cache/server.properties" \
    >"$cache/format.log" 2>&1; then
    cat "$cache/format.log" >&2
    die "formatting $data failed"
  fi
  say "formatted $data (cluster id $cluster_id)"
fi

# Partitions left by earlier runs (npm test and npm run bench delete theirs; scratch work may not)
# make every start slower: say so, with the way out.
partitions="$(find "$data" -mindepth 1 -maxdepth 1 -type d -name '*-[0-9]*' | wc -l)"
if ((partitions > 1000)); then
  say "$data holds $partitions partitions ($(du -sh "$data" 2>/dev/null | cut -f1)); the broker loads each before it is ready." \
    "KAFKA_RESET=1 scripts/kafka-up.sh starts with no data"
fi

# 4. Start in the background, detached from this shell's session so it outlives the caller.
[[ -f "$log_file" ]] && mv -f "$log_file" "$log_file.1"
port_open "$host" "$controller_port" && die "controller port $host:$controller_port is already in use"
# shellcheck disable=SC2086 # $heap holds several JVM options on purpose
setsid nohup java $heap -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
  -Dlog4j2.configurationFile="$cache/log4j2.properties" \
  -cp "$classpath" kafka.Kafka "$cache/server.properties" >"$log_file" 2>&1 </dev/null 9>&- &
pid=$!
echo "$pid" >"$pid_file"
say "started broker pid $pid; waiting up to ${timeout_s}s for $host:$port"

# 5. Ready when the listener accepts connections and the broker logged "Kafka Server started".
t_start="$(now)"
deadline=$((SECONDS + timeout_s))
while :; do
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$pid_file"
    show_log_tail
    die "broker exited during startup (log: $log_file)"
  fi
  if grep -q 'Kafka Server started' "$log_file" 2>/dev/null && port_open "$host" "$port"; then
    break
  fi
  if ((SECONDS >= deadline)); then
    show_log_tail
    YTWATCH_KAFKA_HOME="$cache" YTWATCH_KAFKA_LOCKED=1 KAFKA_STOP_TIMEOUT=5 "$here/kafka-down.sh" >&2 || true
    die "broker not ready after ${timeout_s}s; stopped it (log: $log_file). A slow start with much data:" \
      "KAFKA_START_TIMEOUT=600 waits longer, KAFKA_RESET=1 starts with no data"
  fi
  sleep 0.25
done

say "Kafka $version ready on $host:$port (pid $pid) — broker start $(elapsed "$t_start") s, total $(elapsed "$t0") s"
say "log: $log_file   data: $data   stop: scripts/kafka-down.sh"
