/**
 * A real install: `npm pack`, then `npm install -g` of the tarball into a temporary prefix, run from
 * another folder with no build at first start and its data in the per-user state folder. Also checks
 * what can be checked here of the service files: the systemd unit (`systemd-analyze verify`, when
 * present), the compose file (parsed) and the Dockerfile's promises. Slow: npm builds better-sqlite3.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { FakeTelegram } from '../src/app/fakes/telegram.js';
import { FakeYouTube } from '../src/app/fakes/youtube.js';

const ROOT = join(import.meta.dirname, '..');

/** Runs a command without blocking the event loop (the fakes answer meanwhile). */
function exec(cmd: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('packaging', () => {
  let tmp: string;
  let prefix: string;
  let bin: string;
  let tarball: string;
  let yt: FakeYouTube;
  let tg: FakeTelegram;
  /** No checkout around, no developer variables: a fresh user's environment. */
  let userEnv: (extra?: Record<string, string>) => NodeJS.ProcessEnv;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'ytwatch-package-'));
    prefix = join(tmp, 'prefix');
    const home = join(tmp, 'home');
    mkdirSync(home);
    userEnv = (extra = {}) => ({ PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, HOME: home, YTWATCH_LOG_LEVEL: 'warn', ...extra });
    yt = await FakeYouTube.start();
    tg = await FakeTelegram.start({ chats: [42] });
    yt.addPlaylist('PLpackage', yt.addVideos(3).map((v) => v.id));
  });
  after(async () => {
    await yt?.close();
    await tg?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('npm pack ships the built code, the dashboard and the README, not the sources or tests', async () => {
    const res = await exec('npm', ['pack', '--json', '--pack-destination', tmp, '--ignore-scripts'], { cwd: ROOT, env: process.env, timeoutMs: 120_000 });
    assert.equal(res.code, 0, res.stderr);
    const [info] = JSON.parse(res.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = join(tmp, info!.filename);
    const files = info!.files.map((f) => f.path);
    for (const f of ['bin/ytwatch.js', 'dist/app/cli/main.js', 'dist/app/api/server.js', 'src/app/dashboard/index.html', 'src/app/dashboard/app.js', 'README.md', 'package.json']) assert.ok(files.includes(f), `${f} in the package`);
    assert.ok(!files.some((f) => f.startsWith('test/') || (f.startsWith('src/') && f.endsWith('.ts'))), 'no tests or TypeScript sources');
  });

  it('npm install -g of the tarball into a temporary prefix, run from another folder', { timeout: 900_000 }, async () => {
    assert.ok(tarball, 'packed by the previous test');
    // Native modules build from source here; node-gyp uses the local Node headers (as in .ci/run).
    const nodePrefix = dirname(dirname(process.execPath));
    const gyp = existsSync(join(nodePrefix, 'include/node/node.h')) ? { npm_config_nodedir: nodePrefix } : {};
    const install = await exec('npm', ['install', '-g', '--prefix', prefix, '--omit=optional', '--no-audit', '--no-fund', '--prefer-offline', tarball], {
      cwd: tmp,
      env: { ...process.env, ...gyp },
      timeoutMs: 900_000,
    });
    assert.equal(install.code, 0, install.stderr);
    bin = join(prefix, 'bin', 'ytwatch');
    assert.ok(existsSync(bin), 'ytwatch on the prefix PATH');

    const elsewhere = join(tmp, 'elsewhere');
    mkdirSync(elsewhere);
    const version = await exec(bin, ['--version'], { cwd: elsewhere, env: userEnv() });
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    assert.match((await exec(bin, ['run', '--help'], { cwd: elsewhere, env: userEnv() })).stdout, /^Usage: ytwatch run/);
    assert.ok(!existsSync(join(prefix, 'lib/node_modules/ytwatch/node_modules/typescript')), 'no compiler installed: nothing is built at first start');

    // The data folder: the per-user state folder by default (not the working directory) …
    const fakes = { YOUTUBE_API_KEY: yt.apiKey, YOUTUBE_API_ROOT: yt.url, TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_CHAT_ID: '42', TELEGRAM_API_ROOT: tg.url };
    const run = await exec(bin, ['run', '--playlist', 'PLpackage', '--once'], { cwd: elsewhere, env: userEnv(fakes), timeoutMs: 60_000 });
    assert.equal(run.code, 0, run.stderr);
    const state = join(tmp, 'home', '.local', 'state', 'ytwatch');
    assert.ok(existsSync(join(state, 'log.db')), `log in ${state}`);
    assert.ok(!existsSync(join(elsewhere, '.ytwatch')), 'nothing in the working directory');
    const xdg = join(tmp, 'xdg');
    assert.equal((await exec(bin, ['run', '--playlist', 'PLpackage', '--once'], { cwd: elsewhere, env: userEnv({ ...fakes, XDG_STATE_HOME: xdg }) })).code, 0);
    assert.ok(existsSync(join(xdg, 'ytwatch', 'log.db')), 'XDG_STATE_HOME is honoured');
    // … and YTWATCH_DATA_DIR still wins.
    const own = join(tmp, 'own-data');
    assert.equal((await exec(bin, ['run', '--playlist', 'PLpackage', '--once'], { cwd: elsewhere, env: userEnv({ ...fakes, YTWATCH_DATA_DIR: own }) })).code, 0);
    assert.ok(existsSync(join(own, 'log.db')));

    // The installed status command reads that state folder.
    const status = await exec(bin, ['status', '--json'], { cwd: elsewhere, env: userEnv() });
    assert.equal(status.code, 0, status.stderr);
    assert.equal(JSON.parse(status.stdout).poll.videos, 3);
  });

  it('the systemd unit passes systemd-analyze verify (when available)', async (t) => {
    const unit = join(ROOT, 'deploy', 'ytwatch.service');
    const text = readFileSync(unit, 'utf8');
    for (const line of ['StateDirectory=ytwatch', 'Environment=YTWATCH_DATA_DIR=%S/ytwatch', 'KillSignal=SIGTERM', 'Restart=on-failure', 'DynamicUser=yes']) assert.ok(text.includes(line), line);
    const has = spawnSync('systemd-analyze', ['--version']).status === 0;
    if (!has) {
      t.diagnostic('systemd-analyze is not installed: the unit was only read');
      return;
    }
    const ok = await exec('systemd-analyze', ['verify', unit], { cwd: tmp, env: process.env });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stderr.trim(), '', 'no warnings');
    // The check can fail: a broken copy is refused.
    const bad = join(tmp, 'ytwatch-broken.service');
    writeFileSync(bad, text.replace('ExecStart=/usr/bin/env', 'ExecStart=/nonexistent/env'));
    assert.notEqual((await exec('systemd-analyze', ['verify', bad], { cwd: tmp, env: process.env })).code, 0);
  });

  it('compose.yaml: ytwatch alone by default, Kafka and PostgreSQL in the kafka profile', () => {
    const compose = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8')) as { services: Record<string, { profiles?: string[]; build?: unknown; environment?: Record<string, string>; volumes?: string[] }> };
    const byDefault = Object.entries(compose.services).filter(([, s]) => !s.profiles).map(([n]) => n);
    assert.deepEqual(byDefault, ['ytwatch']);
    assert.deepEqual(Object.entries(compose.services).filter(([, s]) => s.profiles?.includes('kafka')).map(([n]) => n).sort(), ['kafka', 'postgres']);
    const y = compose.services.ytwatch!;
    assert.ok(y.build);
    assert.equal(y.environment?.YTWATCH_DATA_DIR, '/data');
    assert.ok(y.volumes?.some((v) => v.endsWith(':/data')), 'the data folder is a volume');
  });

  it('Dockerfile: multi-stage, non-root, a data volume, a healthcheck on /health', () => {
    const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    assert.ok((text.match(/^FROM /gm) ?? []).length >= 2, 'multi-stage');
    assert.match(text, /^USER node$/m);
    assert.match(text, /^VOLUME \["\/data"\]$/m);
    assert.match(text, /^ENV .*YTWATCH_DATA_DIR=\/data/m);
    assert.match(text, /^HEALTHCHECK [^\n]*\\\n\s+CMD .*\/health/m);
    assert.match(text, /npm pack/, 'the image installs the packed package');
  });
});
