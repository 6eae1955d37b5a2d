#!/usr/bin/env bash
# Run a class from the cached Apache Kafka jars (resolved by scripts/kafka-up.sh) with the quiet
# log4j2 config, e.g. the perf tools for benchmarks:
#   scripts/kafka/run-class.sh org.apache.kafka.tools.ProducerPerformance --topic T --num-records 100000 \
#     --record-size 200 --throughput -1 --producer-props bootstrap.servers=127.0.0.1:9092
#   scripts/kafka/run-class.sh org.apache.kafka.tools.ConsumerPerformance --bootstrap-server 127.0.0.1:9092 \
#     --topic T --messages 100000
# Others: org.apache.kafka.tools.TopicCommand, .ConsoleProducer, .consumer.ConsoleConsumer,
# .GetOffsetShell, .TransactionsCommand, .VerifiableProducer, .TransactionalMessageCopier.
set -euo pipefail
cache="${YTWATCH_KAFKA_HOME:-$HOME/.cache/ytwatch-kafka}"
libs="$cache/kafka-${KAFKA_VERSION:-4.1.1}/libs"
[[ -f "$libs/.complete" ]] || { echo "run-class: no Kafka jars in $libs; run scripts/kafka-up.sh first" >&2; exit 1; }
[[ $# -ge 1 ]] || { echo "usage: $0 MAIN_CLASS [ARGS...]" >&2; exit 2; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck disable=SC2086 # KAFKA_TOOL_OPTS holds several JVM options on purpose
exec java ${KAFKA_TOOL_OPTS:--Xmx512m} -Dlog4j2.configurationFile="$here/log4j2.properties" -cp "$libs/*" "$@"
