/** One detect worker process for bench/kstreams.ts: `detect-worker.ts BROKERS INPUT_PREFIX PREFIX PARTITIONS`; prints one JSON line. */
import { names } from '../src/app/core/topics.js';
import { detectWorker } from './kstreams.js';

const [brokers, inputPrefix, prefix, partitions] = process.argv.slice(2);
const res = await detectWorker(brokers!, names(inputPrefix), prefix!, Number(partitions));
process.stdout.write(`${JSON.stringify(res)}\n`);
