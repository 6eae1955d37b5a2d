import type { Alert } from '../core/events.js';
import { YtwatchError } from '../../engine/core/errors.js';
import { retry } from '../../engine/core/retry.js';
import { alertText } from './format.js';
import type { Failure, OnSent, Sink } from './sink.js';
import { NOTIFY_DEFAULTS } from './config.js';
import { defineSink } from './plugin.js';
import { z } from 'zod';
import { optionalString } from '../core/settings.js';

export interface WebhookSinkOptions {
  url: string;
  maxAttempts?: number;
  baseDelayMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The webhook answered with an error status; 408, 429 and 5xx are retriable (honouring Retry-After). */
export class WebhookError extends YtwatchError {
  override name = 'WebhookError';
  constructor(message: string, retriable: boolean, readonly retryAfterMs?: number, options: { cause?: unknown } = {}) {
    super(message, { retriable, cause: options.cause });
  }
}

/**
 * POSTs each alert as JSON `{ id, text, alert }` (the seeds' HTTP sink sent `{chat_id, text}`) with
 * an `Idempotency-Key` header carrying the alert id, so a receiver can drop the duplicates that
 * at-least-once delivery allows.
 */
export class WebhookSink implements Sink {
  readonly name = 'webhook';
  /** The host only: a webhook URL's path or query may hold a secret. */
  get target(): string {
    try {
      return new URL(this.options.url).host;
    } catch {
      return 'webhook';
    }
  }
  private readonly fetch: typeof fetch;
  constructor(private readonly options: WebhookSinkOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async deliver(alerts: Alert[], signal: AbortSignal, onSent?: OnSent): Promise<Failure[]> {
    const failures: Failure[] = [];
    for (const alert of alerts) {
      try {
        await retry(() => this.post(alert, signal), {
          attempts: this.options.maxAttempts ?? NOTIFY_DEFAULTS.maxAttempts,
          baseDelayMs: this.options.baseDelayMs ?? 1000,
          signal,
          waitFor: (err) => (err instanceof WebhookError ? err.retryAfterMs : undefined),
        });
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        failures.push({ alert, reason: err instanceof Error ? err.message : String(err) });
        continue;
      }
      await onSent?.([alert]);
    }
    return failures;
  }

  private async post(alert: Alert, signal: AbortSignal): Promise<void> {
    let res: Response;
    try {
      res = await this.fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': alert.id },
        body: JSON.stringify({ id: alert.id, text: alertText(alert), alert }),
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutMs ?? 15_000)]),
      });
    } catch (err) {
      if (signal.aborted) throw err;
      throw new WebhookError(`webhook unreachable: ${(err as Error).message}`, true, undefined, { cause: err });
    }
    await res.body?.cancel().catch(() => {});
    if (res.ok) return;
    const retriable = res.status === 408 || res.status === 429 || res.status >= 500;
    throw new WebhookError(`webhook answered ${res.status} ${res.statusText}`, retriable, retryAfterMs(res.headers.get('retry-after')));
  }
}

/** The webhook sink's registration: on when `WEBHOOK_URL` is set. */
export const webhookSink = defineSink({
  name: 'webhook',
  env: {
    WEBHOOK_URL: optionalString.pipe(z.string().url().optional()).describe('When set, every alert is also POSTed as JSON to this URL (like the seeds\' HTTP sink).'),
  },
  create: ({ env, notify }) => (env.WEBHOOK_URL ? new WebhookSink({ url: env.WEBHOOK_URL, maxAttempts: notify.maxAttempts }) : undefined),
});

/** `Retry-After` as ms: delay-seconds or an HTTP date; undefined when absent, malformed or not in the future. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  const ms = /^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v) - now;
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}
