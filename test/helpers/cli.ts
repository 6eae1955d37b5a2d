import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BIN = resolve(import.meta.dirname, '../../bin/ytwatch.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A scratch folder (working directory and data folder of one CLI run), removed by `cleanup`. */
export function scratch(prefix = 'ytwatch-test-'): { dir: string; dataDir: string; cleanup: () => void; writeConfig: (cfg: unknown) => string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    dataDir: join(dir, 'data'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
    writeConfig: (cfg) => {
      const path = join(dir, 'ytwatch.config.json');
      writeFileSync(path, JSON.stringify(cfg));
      return path;
    },
  };
}

/** The variables that point the CLI at the YouTube and Telegram fakes (chat 42) and a data folder. */
export function fakesEnv(yt: { apiKey: string; url: string }, tg: { token: string; url: string }, dataDir: string): Record<string, string> {
  return {
    YOUTUBE_API_KEY: yt.apiKey,
    YOUTUBE_API_ROOT: yt.url,
    TELEGRAM_BOT_TOKEN: tg.token,
    TELEGRAM_CHAT_ID: '42',
    TELEGRAM_API_ROOT: tg.url,
    YTWATCH_DATA_DIR: dataDir,
  };
}

/** The CLI's environment: nothing of the developer's (no real keys), only what the test gives. */
export function cliEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, YTWATCH_LOG_LEVEL: 'warn', ...env };
}

export function startCli(args: string[], env: Record<string, string | undefined>, cwd: string, bin = BIN): ChildProcess {
  return spawn(process.execPath, [bin, ...args], { env: cliEnv(env), cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs the real CLI (`bin`: another install's) to completion, killing it after `timeoutMs`. */
export function runCli(args: string[], env: Record<string, string | undefined>, cwd: string, timeoutMs = 60_000, bin = BIN): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = startCli(args, env, cwd, bin);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

/** Polls `check` until it holds; fails after `timeoutMs` with `what()` (the output so far, say). */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: () => string = () => '', timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met in time:\n${what()}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Resolves with the output so far once `pattern` appears on the child's stdout. */
export function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.stdout!.off('data', onData);
      reject(new Error(`no output matching ${pattern} within ${timeoutMs} ms; got:\n${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (pattern.test(out)) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolvePromise(out);
      }
    };
    child.stdout!.on('data', onData);
  });
}
