/**
 * The Kafka client library's own ceiling, for bench/kstreams.ts: `consume-worker.ts BROKERS TOPIC
 * PARTITIONS N` reads N records of TOPIC with nothing else to do, as a stage's consumer reads them
 * (native consumes of 1,000, read_committed, each message converted to a JS object on the main
 * thread). Prints one JSON line: records/s and the main thread's busy µs per record.
 */
import { performance } from 'node:perf_hooks';
import { call, loadNative } from '../src/engine/log/kafka/native.js';
import { consumeSome } from '../src/engine/log/kafka/reader.js';

const [brokers, topic, partitions, total] = process.argv.slice(2);
const n = Number(total);
const native = await loadNative();
const consumer = new native.KafkaConsumer({ 'bootstrap.servers': brokers!, 'group.id': `ytwatch-bench-consume-${process.pid}`, 'enable.auto.commit': false, 'isolation.level': 'read_committed', 'auto.offset.reset': 'earliest' });
const t0 = performance.now();
const elu0 = performance.eventLoopUtilization();
await call((cb) => consumer.connect({}, cb));
consumer.setDefaultIsTimeoutOnlyForFirstMessage(true);
consumer.assign(Array.from({ length: Number(partitions) }, (_, partition) => ({ topic: topic!, partition, offset: 0 })));
let read = 0;
while (read < n) read += (await consumeSome(consumer, 1000, 200)).length;
const secs = (performance.now() - t0) / 1000;
const busyMs = performance.eventLoopUtilization(elu0).active;
await call((cb) => consumer.disconnect(cb));
process.stdout.write(`${JSON.stringify({ perSec: Math.round(read / secs), mainUsPerRecord: Number(((busyMs * 1000) / read).toFixed(2)) })}\n`);
