#!/usr/bin/env node
// `npm run kafka:client`: makes sure the optional Kafka client (@confluentinc/kafka-javascript) loads.
//
// A plain `npm install` tries the client's prebuilt binary, then its static build, and both download
// from the internet; where that fails npm drops the optional dependency without a word. This script
// builds it instead against the system's libraries (CKJS_LINKING=dynamic), once, into node_modules:
//  - when the client already loads, it says so and exits 0 (about 0.1 s);
//  - on Debian as root it first installs the libraries that give the client TLS, SASL, zstd and gzip
//    (apt-get); otherwise it names that command in one line and builds with what is there;
//  - it exits 1 with one line and the build's last lines when the client still does not load.
// `npm test` runs it before the tests, so the Kafka tests run (never skip) on a fresh machine.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..');
const NAME = '@confluentinc/kafka-javascript';
/** Debian packages the client links when present: OpenSSL (TLS, SCRAM), Cyrus SASL (GSSAPI), zstd, zlib. */
const LIBS = ['libssl-dev', 'libsasl2-dev', 'libzstd-dev', 'zlib1g-dev'];
const APT = `apt-get install -y ${LIBS.join(' ')}`;
const quiet = process.argv.includes('--quiet');

const say = (line) => process.stderr.write(`kafka-client: ${line}\n`);
const die = (line) => {
  say(line);
  process.exit(1);
};

/** The error of loading the client in a fresh process (a failed load is cached in this one), or null. */
function loadError() {
  const res = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(NAME)})`], { cwd: root, encoding: 'utf8' });
  if (res.status === 0) return null;
  return (res.stderr.split('\n').find((l) => /Error/.test(l)) ?? res.stderr.trim()).trim() || `exit ${res.status}`;
}

function version() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const v = pkg.optionalDependencies?.[NAME] ?? pkg.dependencies?.[NAME];
  if (!v) die(`package.json does not list ${NAME}`);
  return v;
}

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const missingDebs = () => (has('dpkg') ? LIBS.filter((p) => spawnSync('dpkg', ['-s', p], { stdio: 'ignore' }).status !== 0) : []);

/** Installs the missing libraries when it can (root with apt-get); else names the command. */
function systemLibraries() {
  const missing = missingDebs();
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !has('apt-get')) {
    say(`building without ${missing.join(', ')} (fewer features: TLS, SASL, zstd or gzip); for a full client first run: sudo ${APT}`);
    return;
  }
  say(`installing ${missing.join(' ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  const install = update.status === 0 && spawnSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (!install || install.status !== 0) say(`apt-get failed; building with the libraries that are there (to retry by hand: ${APT})`);
}

const before = loadError();
if (!before) {
  if (!quiet) say(`${NAME} loads`);
  process.exit(0);
}
for (const tool of ['make', 'g++', 'python3']) {
  if (!has(tool)) die(`${NAME} is not built and ${tool} is missing: install a C++ toolchain (apt-get install -y build-essential python3), then run npm run kafka:client`);
}
systemLibraries();

const spec = `${NAME}@${version()}`;
const log = join(root, 'node_modules', '.cache', 'ytwatch', 'kafka-client.log');
mkdirSync(dirname(log), { recursive: true });
say(`building ${spec} against the system's libraries (once, about 1–2 min; log: ${log})`);
const started = Date.now();
const env = { ...process.env, CKJS_LINKING: 'dynamic' };
// node-gyp needs Node's headers; use the local ones instead of downloading them.
const nodedir = dirname(dirname(process.execPath));
if (!env.npm_config_nodedir && existsSync(join(nodedir, 'include', 'node', 'node.h'))) env.npm_config_nodedir = nodedir;
// --no-save: package.json and the lockfile already list the client; only node_modules changes.
const npm = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--foreground-scripts', spec], { cwd: root, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
writeFileSync(log, `${npm.stdout ?? ''}${npm.stderr ?? ''}${npm.error ? String(npm.error) : ''}`);

const after = loadError();
if (after) {
  const tail = readFileSync(log, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
  die(`${NAME} still does not load (${after}); the build's last lines:\n${tail}\nfix: ${APT}, then npm run kafka:client`);
}
say(`built ${spec} in ${Math.round((Date.now() - started) / 1000)} s`);
