import type { Writable } from 'node:stream';
import type { Alert } from '../core/events.js';
import { alertText } from './format.js';
import type { Failure, OnSent, Sink } from './sink.js';
import { defineSink } from './plugin.js';

/** Prints one line per alert (stdout by default). The default sink when nothing else is configured. */
export class ConsoleSink implements Sink {
  readonly name = 'console';
  constructor(private readonly out: Writable = process.stdout) {}

  async deliver(alerts: Alert[], _signal: AbortSignal, onSent?: OnSent): Promise<Failure[]> {
    for (const a of alerts) this.out.write(`${new Date(a.at).toISOString()} ${alertText(a)}\n`);
    await onSent?.(alerts);
    return [];
  }
}

/** The console sink's registration: on with `notify.console`, or when no other sink is configured. */
export const consoleSink = defineSink({
  name: 'console',
  env: {},
  create: ({ notify, built, stdout }) => ((notify.console ?? built.length === 0) ? new ConsoleSink(stdout) : undefined),
});
