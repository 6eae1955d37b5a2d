/**
 * One run of bench/activity.ts in a process of its own: `activity-worker.ts example|plain BROKERS
 * INPUT TARGET EVENTS`, TARGET being the example's topic prefix or the plain loop's output topic.
 * Prints one JSON line: events/s and outputs.
 */
import { baseline, example } from './activity.js';

const [mode, brokers, input, target, events] = process.argv.slice(2);
const run = mode === 'plain' ? baseline : example;
process.stdout.write(`${JSON.stringify(await run(brokers!, input!, target!, Number(events)))}\n`);
