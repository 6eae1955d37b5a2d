import type { EventLog } from '../../engine/core/log.js';
import type { Alert, Delivery } from '../core/events.js';
import type { Names } from '../core/topics.js';
import { Processor, type Item } from '../../engine/stream/processor.js';
import type { Sink } from '../sinks/sink.js';
import { SentLedger } from './sent-ledger.js';

/** Header of a replayed dead letter: deliver to this sink only. */
export const SINK_HEADER = 'ytwatch-sink';

export interface NotifyCounters {
  delivered: number;
  failed: number;
}

export interface NotifyOptions {
  log: EventLog;
  names: Names;
  sinks: Sink[];
  /** Alerts per batch; a batch is grouped per chat and committed after delivery. Default 20. */
  maxBatch?: number;
  onFailure?: (alert: Alert, sink: string, reason: string) => void;
  onDelivered?: (alert: Alert, sink: string) => void;
  /** After each sink handled its part of a batch: how many it delivered, and the last failure's reason. */
  onSinkBatch?: (sink: string, delivered: number, failure: string | undefined) => void;
}

/**
 * The notify stage: reads `telegram_outbox`, hands each batch to every sink, dead-letters what a sink
 * gave up on (with the sink and the reason), and commits the batch only after that.
 *
 * Delivery: at least once toward Telegram and webhooks, with an idempotency key per alert (its
 * deterministic id). Each successful send is recorded at once in a sent ledger; after a crash the
 * alerts it holds are not sent again, so a duplicate needs a crash between a send's answer and its
 * record: at most one message per crash. The webhook also carries the id as `Idempotency-Key`.
 */
export function createNotify(options: NotifyOptions): { processor: Processor<Alert>; counters: NotifyCounters } {
  const counters: NotifyCounters = { delivered: 0, failed: 0 };
  const ledger = new SentLedger(options.log, options.names.of('notifySent'));
  const processor = new Processor<Alert>({
    log: options.log,
    stage: 'notify',
    group: options.names.group('notify'),
    input: options.names.of('outbox'),
    deadLetterTopic: options.names.of('deadLetters'),
    maxBatch: options.maxBatch ?? 20,
    onAssign: () => ledger.restore(),
    afterCommit: () => ledger.forget(),
    handle: async (items, ctx) => {
      const unique = dedupe(items);
      for (const sink of options.sinks) {
        const mine = unique.filter((i) => (i.record.headers?.[SINK_HEADER] ?? sink.name) === sink.name && routedTo(i.value, sink));
        const due = mine.filter((i) => !ledger.has(sink.name, i.value.id)).map((i) => i.value);
        const failures = await sink.deliver(due, ctx.signal, (sent) => ledger.record(sink.name, sent.map((a) => a.id)));
        const failed = new Map(failures.map((f) => [f.alert.id, f.reason]));
        if (mine.length > 0) options.onSinkBatch?.(sink.name, mine.length - failed.size, failures.at(-1)?.reason);
        for (const item of mine) {
          const reason = failed.get(item.value.id);
          const outcome: Delivery = { v: 1, alertId: item.value.id, videoId: item.value.videoId, sink: sink.name, outcome: reason === undefined ? 'delivered' : 'failed', ...(reason !== undefined ? { reason } : {}), at: Date.now() };
          ctx.emit(options.names.of('deliveries').record(outcome));
          if (reason === undefined) {
            counters.delivered++;
            options.onDelivered?.(item.value, sink.name);
          } else {
            counters.failed++;
            const target = item.value.recipient?.kind === 'telegram' ? `chat ${item.value.recipient.chatId}` : sink.target;
            ctx.deadLetter(item.record, reason, { sink: sink.name, ...(target ? { target } : {}) });
            options.onFailure?.(item.value, sink.name, reason);
          }
        }
      }
      for (const t of ledger.clear(options.sinks.map((s) => s.name), unique.map((i) => i.value.id))) ctx.emit(t);
    },
  });
  return { processor, counters };
}

/** An alert with a recipient goes to that kind of sink only (a chat: Telegram); the operator's to every sink. */
function routedTo(alert: Alert, sink: Sink): boolean {
  return !alert.recipient || alert.recipient.kind === sink.name;
}

/** Drops repeated alert ids within a batch (a replayed dead letter next to its original, say). */
function dedupe(items: Item<Alert>[]): Item<Alert>[] {
  const seen = new Set<string>();
  return items.filter((i) => (seen.has(i.value.id) ? false : (seen.add(i.value.id), true)));
}
