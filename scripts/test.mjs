#!/usr/bin/env node
// `npm test`: makes sure the Kafka client is built (scripts/kafka-client.mjs: once, on a machine where
// `npm install` could not build it), builds the CLI, type-checks everything (tests, examples,
// scripts, benchmarks too), checks the layering rules (.dependency-cruiser.cjs), then runs every
// test file with node's test
// runner. Services the tests need (the Kafka broker, PostgreSQL, a browser) are provisioned by the
// tests' own helpers. Afterwards it deletes the topics the run made on the broker (all test topics are
// named `t-…`; scripts/kafka-topics.ts), so the broker's data does not grow from run to run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
/** The folders the layering rules check; `npm run deps` runs the same. */
const DEPCRUISE_ARGS = ['--config', '.dependency-cruiser.cjs', '--output-type', 'err', 'src', 'examples', 'test', 'bench', 'scripts'];
const run = (cmd, args) => {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) process.exit(res.status ?? 1);
};
run(process.execPath, [join(root, 'scripts/kafka-client.mjs'), '--quiet']);
const tsc = join(root, 'node_modules/typescript/bin/tsc');
run(process.execPath, [tsc, '-p', 'tsconfig.build.json']);
run(process.execPath, [tsc, '-p', 'tsconfig.json', '--noEmit']);
run(process.execPath, [join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), ...DEPCRUISE_ARGS]);
const only = process.argv.slice(2);
const files = only.length > 0 ? only : readdirSync(join(root, 'test')).filter((f) => f.endsWith('.test.ts')).sort().map((f) => join('test', f));
// Files that stop a shared service (the Kafka broker) run alone, after all the others.
const SERIAL = new Set(['test/kafka-restart.test.ts']);
const isSerial = (f) => SERIAL.has(f.replace(/\\/g, '/').replace(/^\.\//, ''));
const TOPICS = join(root, 'scripts/kafka-topics.ts');
const scratch = mkdtempSync(join(tmpdir(), 'ytwatch-test-'));
const before = join(scratch, 'topics-before');
/** Runs scripts/kafka-topics.ts; a failure there is reported, but never fails or hides the tests' result. */
const topics = (command) => {
  const res = spawnSync(process.execPath, ['--import', 'tsx', TOPICS, command, before, 't-'], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) process.stderr.write(`test: scripts/kafka-topics.ts ${command} failed (${res.status}); test topics may be left on the broker\n`);
};
topics('snapshot');
let failed = 0;
for (const group of [files.filter((f) => !isSerial(f)), files.filter(isSerial)]) {
  if (group.length === 0) continue;
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...group], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) failed = res.status ?? 1;
}
topics('prune');
rmSync(scratch, { recursive: true, force: true });
process.exit(failed);
