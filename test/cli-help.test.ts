/**
 * The command line: per-command help from the parser's own definitions, "did you mean", clean
 * unknown-option lines, every flag validated before anything starts, the budget-overrun warning,
 * and the demo's dashboard.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { FakeYouTube } from '../src/app/fakes/youtube.js';
import { COMMANDS, OPTIONS } from '../src/app/cli/commands-spec.js';
import { runCli, scratch, startCli, waitForOutput } from './helpers/cli.js';

describe('CLI help and validation', () => {
  let yt: FakeYouTube;
  let s: ReturnType<typeof scratch>;
  before(async () => {
    yt = await FakeYouTube.start();
    yt.addPlaylist('PLhelp', yt.addVideos(2).map((v) => v.id));
    s = scratch();
  });
  after(async () => {
    await yt.close();
    s.cleanup();
  });
  const env = () => ({ YOUTUBE_API_KEY: yt.apiKey, YOUTUBE_API_ROOT: yt.url, YTWATCH_DATA_DIR: s.dataDir });

  it('run --help and help run print the help of run, from the definitions the parser uses', async () => {
    const a = await runCli(['run', '--help'], {}, s.dir);
    const b = await runCli(['help', 'run'], {}, s.dir);
    assert.equal(a.code, 0);
    assert.equal(a.stdout, b.stdout);
    assert.match(a.stdout, /^Usage: ytwatch run /);
    const run = COMMANDS.find((c) => c.name === 'run')!;
    for (const o of run.options) assert.match(a.stdout, new RegExp(`--${o}\\b.*${OPTIONS[o].help.slice(0, 20).replace(/[()|.*+?]/g, '\\$&')}`));
    assert.doesNotMatch(a.stdout, /--before|purge/, 'not the global help, not dlq options');
  });

  it('dlq --help shows its subcommands and options; the global help lists every command', async () => {
    const res = await runCli(['dlq', '--help'], {}, s.dir);
    assert.match(res.stdout, /^Usage: ytwatch dlq list \[--json\] \| replay \[--id ID\] \| purge \[--before WHEN\]/);
    assert.match(res.stdout, /--before WHEN/);
    assert.doesNotMatch(res.stdout, /--playlist/);
    const global = await runCli(['--help'], {}, s.dir);
    for (const c of COMMANDS) assert.match(global.stdout, new RegExp(`ytwatch ${c.name}\\b`));
  });

  it('did you mean, for commands, subcommands and options; one clean line each', async () => {
    const cases: Array<[string[], string]> = [
      [['rnu'], 'ytwatch: unknown command "rnu" — did you mean `ytwatch run`? (see `ytwatch --help`)'],
      [['dlq', 'replya'], 'ytwatch: unknown dlq command "replya" — did you mean `ytwatch dlq replay`?'],
      [['run', '--intervl', '5m'], "ytwatch: Unknown option '--intervl' — did you mean --interval? (see `ytwatch run --help`)"],
      [['run', '--bogus'], "ytwatch: Unknown option '--bogus' — see `ytwatch run --help`"],
      [['doctor', '--once'], 'ytwatch: option --once does not apply to `ytwatch doctor` — see `ytwatch doctor --help`'],
      [['run', '--interval'], 'ytwatch: option --interval needs a value — e.g. --interval V'],
      [['help', 'sttaus'], 'ytwatch: no command "sttaus" — did you mean `ytwatch help status`?'],
    ];
    for (const [args, line] of cases) {
      const res = await runCli(args, env(), s.dir);
      assert.equal(res.code, 1, args.join(' '));
      assert.equal(res.stderr, `${line}\n`);
      assert.equal(res.stdout, '');
    }
  });

  it('every flag is validated before anything starts, with --once too', async () => {
    for (const args of [
      ['run', '--playlist', 'PLhelp', '--interval', 'banana'],
      ['run', '--playlist', 'PLhelp', '--interval', 'banana', '--once'],
      ['run', '--playlist', 'PLhelp', '--port', 'http'],
      ['serve', '--log-format', 'yaml'],
    ]) {
      const res = await runCli(args, { ...env(), YTWATCH_LOG_LEVEL: 'info' }, s.dir);
      assert.equal(res.code, 1, args.join(' '));
      assert.equal(res.stderr.split('\n').filter(Boolean).length, 1, res.stderr);
      assert.doesNotMatch(res.stderr + res.stdout, /running|poll/);
      assert.equal(existsSync(s.dataDir), false, 'nothing started: no data folder');
    }
  });

  it('warns with the numbers when a fixed interval overruns the daily budget', async () => {
    const t = scratch();
    const child = startCli(['run', '--playlist', 'PLhelp', '--interval', '1s'], { ...env(), YTWATCH_DATA_DIR: t.dataDir, YTWATCH_LOG_LEVEL: 'info' }, t.dir);
    child.stdout!.resume();
    let stderr = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no warning:\n${stderr}`)), 20_000);
        child.stderr!.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (/over the daily budget/.test(stderr)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      assert.match(stderr, /interval 1 s × 2 unit\(s\) per poll = 172,800 units a day, over the daily budget of 10,000: polling will stop after about 1\.4 h until the reset; --interval auto \(18 s\) fits the budget/);
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
      t.cleanup();
    }
  });

  it('demo --port serves the dashboard and prints its URL', async () => {
    const t = scratch();
    const child = startCli(['demo', '--port', '0'], {}, t.dir);
    try {
      const out = await waitForOutput(child, /Dashboard: (http:\/\/\S+)\/\n/, 30_000);
      assert.match(out, /whose numbers move every 2 s, polled every 2 s/);
      const base = /Dashboard: (http:\/\/\S+)\/\n/.exec(out)![1]!;
      const page = await fetch(`${base}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<title>ytwatch<\/title>/);
      const health = (await (await fetch(`${base}/health`)).json()) as { status: string };
      assert.equal(health.status, 'ok');
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      assert.equal((await exited)[0], 0);
      t.cleanup();
    }
  });
});
