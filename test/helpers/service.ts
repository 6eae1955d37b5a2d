import { execFile } from 'node:child_process';

/**
 * One shared attempt at a slow provisioning step (starting a broker or a registry) for every caller
 * in this process; a failed attempt is forgotten, so a later caller tries again.
 */
export function shared<T>(attempt: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= attempt().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}

/** Runs a provisioning script with bash; resolves with its exit code (or why it stopped) and output. */
export function runScript(script: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | string; output: string }> {
  return new Promise((done) => {
    execFile('bash', [script], { env, timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (!err) return done({ code: 0, output });
      const code = typeof err.code === 'number' ? err.code : err.killed ? `killed after ${timeoutMs} ms` : String(err.code ?? err.message);
      done({ code, output: output || err.message });
    });
  });
}

/** The last `lines` lines of a script's output, for an error message. */
export function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
