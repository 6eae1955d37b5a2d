/**
 * Typed errors. Every error ytwatch raises on purpose is a {@link YtwatchError}: it says whether the
 * same call may succeed when repeated (`retriable`), and carries a one-line `hint` naming the fix that
 * the CLI prints instead of a stack trace.
 */
export class YtwatchError extends Error {
  override name = 'YtwatchError';
  readonly retriable: boolean;
  readonly hint?: string;
  constructor(message: string, options: { retriable?: boolean; hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.retriable = options.retriable ?? false;
    this.hint = options.hint;
  }
}

/** Bad configuration or command-line input. Never retriable. */
export class ConfigError extends YtwatchError {
  override name = 'ConfigError';
  constructor(message: string, hint?: string, options: { cause?: unknown } = {}) {
    super(message, { retriable: false, hint, cause: options.cause });
  }
}

/** True when `err` says the same call may succeed later (network trouble, 5xx, 429). */
export function isRetriable(err: unknown): boolean {
  return err instanceof YtwatchError ? err.retriable : false;
}

/** A short description of any thrown value, for logs. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
