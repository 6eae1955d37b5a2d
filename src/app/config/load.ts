import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { ZodError } from 'zod';
import { ConfigError } from '../../engine/core/errors.js';
import { durationMs } from '../../engine/core/duration.js';
import { EnvSchema, FileConfigSchema, type Env, type FileConfig } from './schema.js';

function firstIssue(err: ZodError, where: string): string {
  const issue = err.issues[0]!;
  const path = issue.path.join('.');
  return `${where}${path ? ` ${path}` : ''}: ${issue.message}`;
}

/**
 * Reads the environment, with a `.env` file in the working directory filling what the environment
 * lacks (the environment wins).
 */
export function loadEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Env {
  const file = resolve(cwd, '.env');
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  const res = EnvSchema.safeParse({ ...fromFile, ...env });
  if (!res.success) throw new ConfigError(`bad environment: ${firstIssue(res.error, 'variable')}`, 'fix the variable (see "Configuration" in the README)');
  return res.data;
}

/** Reads and validates the config file; `undefined` path means the default file, which may be absent. */
export function loadFileConfig(path: string | undefined, cwd = process.cwd()): FileConfig {
  const explicit = path !== undefined;
  const file = resolve(cwd, path ?? 'ytwatch.config.json');
  if (!existsSync(file)) {
    if (explicit) throw new ConfigError(`config file not found: ${file}`, 'check the --config path or YTWATCH_CONFIG');
    return FileConfigSchema.parse({});
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(err as Error).message}`, 'fix the JSON syntax', { cause: err });
  }
  const res = FileConfigSchema.safeParse(json);
  if (!res.success) throw new ConfigError(`config file ${file}: ${firstIssue(res.error, 'at')}`, 'fix that setting (see "Configuration" in the README)');
  return res.data;
}

/** Seconds from an interval setting, or `'auto'`. */
export function parseInterval(value: string | number): number | 'auto' {
  if (value === 'auto') return 'auto';
  const bad = () => new ConfigError(`bad interval ${JSON.stringify(value)}`, 'use "auto", at least 1 second, or a duration like 30s, 5m, 1h');
  let seconds: number;
  if (typeof value === 'number') seconds = value;
  else {
    const ms = durationMs(value);
    if (ms === undefined) throw bad();
    seconds = ms / 1000;
  }
  if (!(seconds >= 1)) throw bad();
  return seconds;
}
