import type { EventLog } from '../../engine/core/log.js';
import type { Topic } from '../../engine/core/topic.js';
import { readTopic } from '../../engine/stream/read.js';

/**
 * Which alerts already reached which sink while their batch is not yet committed: a compacted topic
 * of `sink:alertId` keys. A send is recorded right after it succeeded; the batch's commit deletes
 * the records (tombstones in the same transaction), so the topic stays tiny. After a crash the
 * restarted notify stage skips what the ledger holds: a duplicate needs a crash between the send's
 * answer and its record.
 */
export class SentLedger {
  private readonly sent = new Set<string>();
  private committing: string[] = [];

  constructor(
    private readonly log: EventLog,
    private readonly topic: Topic<1>,
  ) {}

  /** Loads every record (all partitions: the ledger is shared by every notify worker). */
  async restore(): Promise<void> {
    this.sent.clear();
    this.committing = [];
    for (const r of await readTopic(this.log, this.topic.name)) {
      if (r.key === null) continue;
      if (r.value === null) this.sent.delete(r.key);
      else this.sent.add(r.key);
    }
  }

  has(sink: string, alertId: string): boolean {
    return this.sent.has(`${sink}:${alertId}`);
  }

  /** Durably records a send (not part of any transaction: it must survive the crash it guards against). */
  async record(sink: string, alertIds: string[]): Promise<void> {
    const keys = alertIds.map((id) => `${sink}:${id}`);
    await this.log.produce(keys.map((key) => this.topic.record(1, { key })));
    for (const k of keys) this.sent.add(k);
  }

  /**
   * Tombstones for a batch's records, to commit with it. The keys stay known until {@link forget}
   * runs after that commit succeeded, so a failed commit does not send the batch again.
   */
  clear(sinks: string[], alertIds: string[]): Array<{ topic: string; key: string; value: null }> {
    const out: Array<{ topic: string; key: string; value: null }> = [];
    for (const sink of sinks) {
      for (const id of alertIds) {
        const key = `${sink}:${id}`;
        if (this.sent.has(key)) {
          out.push({ topic: this.topic.name, key, value: null });
          this.committing.push(key);
        }
      }
    }
    return out;
  }

  /** After the commit: the cleared keys are gone from the topic too. */
  forget(): void {
    for (const key of this.committing) this.sent.delete(key);
    this.committing = [];
  }
}
