#!/usr/bin/env bash
# Start a Confluent-compatible schema registry for ytwatch's tests and development: Apicurio
# Registry's prebuilt distribution from Maven Central (tools/schema-registry/pom.xml), in-memory
# storage, its Confluent API under /apis/ccompat/v7. No Docker. Runs detached; exits 0 once ready.
#
# Environment (all optional):
#   SR_DIR                 unpacked distribution, outside the repo  (default ~/.cache/apicurio-registry-3.3.3)
#   SR_JAVA                a Java 21+ (3.3.3 needs class file version 65)  (default: newest 21+ in /usr/lib/jvm, else java)
#   SR_HOST                listen address                     (default 127.0.0.1)
#   SR_PORT                HTTP port                          (default 8081)
#   SR_MANAGEMENT_PORT     health/management port             (default 8091; Apicurio's 9000 on all interfaces otherwise)
#   SR_START_TIMEOUT       seconds to wait for readiness      (default 60)
#   YTWATCH_SR_HOME        pid, lock and log folder           (default ~/.cache/ytwatch-schema-registry)
# Stop: scripts/schema-registry-down.sh (the data is in memory and goes with it).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dist="${SR_DIR:-$HOME/.cache/apicurio-registry-3.3.3}"
home="${YTWATCH_SR_HOME:-$HOME/.cache/ytwatch-schema-registry}"
host="${SR_HOST:-127.0.0.1}"
port="${SR_PORT:-8081}"
mport="${SR_MANAGEMENT_PORT:-8091}"
timeout_s="${SR_START_TIMEOUT:-60}"
url="http://$host:$port/apis/ccompat/v7"
log_file="$home/registry.log"
pid_file="$home/registry.pid"

say() { printf 'schema-registry-up: %s\n' "$*"; }
die() { printf 'schema-registry-up: error: %s\n' "$*" >&2; exit 1; }
ready() { curl -fsS -o /dev/null --max-time 2 "$url/subjects" 2>/dev/null; }

java_bin="${SR_JAVA:-}"
if [[ -z "$java_bin" ]]; then
  for d in $(ls -1 /usr/lib/jvm 2>/dev/null | sort -r); do
    v="$(grep -oE '[0-9]+' <<<"$d" | head -n 1 || true)"
    if [[ -n "$v" && "$v" -ge 21 && -x "/usr/lib/jvm/$d/bin/java" ]]; then java_bin="/usr/lib/jvm/$d/bin/java"; break; fi
  done
  java_bin="${java_bin:-java}"
fi

mkdir -p "$home"
exec 9>"$home/up.lock"
flock -w $((timeout_s + 600)) 9 || die "timed out waiting for another schema-registry-up.sh (lock $home/up.lock)"

if ready; then say "already running at $url"; exit 0; fi

# 1. The distribution, fetched once (about 160 MB).
if [[ ! -f "$dist/quarkus-run.jar" ]]; then
  command -v mvn >/dev/null || die "mvn not found (needed once to fetch Apicurio Registry from Maven Central)"
  say "fetching Apicurio Registry 3.3.3 into $dist (first run only)"
  mvn -B -q -f "$here/../tools/schema-registry/pom.xml" -Dsr.dir="$dist" generate-resources >"$home/mvn.log" 2>&1 ||
    { tail -n 30 "$home/mvn.log" >&2; die "Maven could not fetch Apicurio Registry (log: $home/mvn.log)"; }
fi

# 2. Start detached, on loopback, both ports ours.
"$java_bin" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])' ||
  die "$java_bin is older than Java 21 (Apicurio Registry 3.3.3 needs 21+); set SR_JAVA"
cd "$dist"
export QUARKUS_HTTP_HOST="$host" QUARKUS_HTTP_PORT="$port" QUARKUS_MANAGEMENT_HOST="$host" QUARKUS_MANAGEMENT_PORT="$mport"
setsid nohup "$java_bin" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar quarkus-run.jar >"$log_file" 2>&1 </dev/null 9>&- &
pid=$!
echo "$pid" >"$pid_file"
say "started pid $pid; waiting up to ${timeout_s}s for $url"

deadline=$((SECONDS + timeout_s))
until ready; do
  if ! kill -0 "$pid" 2>/dev/null; then tail -n 30 "$log_file" >&2; die "registry exited during startup (log: $log_file)"; fi
  if ((SECONDS >= deadline)); then tail -n 30 "$log_file" >&2; kill "$pid" 2>/dev/null || true; die "registry not ready after ${timeout_s}s (log: $log_file)"; fi
  sleep 0.2
done
say "ready at $url (pid $pid; log $log_file)"
