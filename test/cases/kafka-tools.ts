/**
 * Test-side views of a Kafka deployment: group membership as the broker sees it (through the native
 * admin client), whole-topic reads, and a wait for a group to catch up.
 */
import type { EventLog, LogRecord } from '../../src/engine/core/log.js';
import { eventually } from '../helpers/eventually.js';

interface Described {
  groups: Array<{ members: Array<{ memberId: string; assignment: { topicPartitions: Array<{ topic: string; partition: number }> } }> }>;
}
interface Admin {
  describeGroups(groups: string[], options: { timeout: number }, cb: (err: Error | null, res: Described) => void): void;
  disconnect(): void;
}

/** A native admin client for `describeGroups` (the event-log contract has no membership view). */
export class GroupView {
  private constructor(private readonly admin: Admin) {}

  static async open(brokers: string): Promise<GroupView> {
    const specifier = '@confluentinc/kafka-javascript';
    const mod = (await import(specifier)) as { default: { AdminClient: { create(c: Record<string, unknown>): Admin } } };
    return new GroupView(mod.default.AdminClient.create({ 'bootstrap.servers': brokers, log_level: 3 }));
  }

  /** The partitions each current member holds, sorted (members with none included). */
  async members(group: string): Promise<number[][]> {
    const res = await new Promise<Described>((resolve, reject) =>
      this.admin.describeGroups([group], { timeout: 10_000 }, (err, r) => (err ? reject(err) : resolve(r))),
    );
    return (res.groups[0]?.members ?? []).map((m) => m.assignment.topicPartitions.map((tp) => tp.partition).sort((a, b) => a - b));
  }

  /** Resolves once `test(members)` holds; rejects after `timeoutMs` with the last view. */
  async waitFor(group: string, test: (members: number[][]) => boolean, timeoutMs: number): Promise<number[][]> {
    let last: number[][] = [];
    await eventually(async () => test((last = await this.members(group).catch(() => last))), {
      timeoutMs,
      what: () => `group ${group}: condition not met within ${timeoutMs} ms; members ${JSON.stringify(last)}`,
    });
    return last;
  }

  close(): void {
    this.admin.disconnect();
  }
}

/** Every readable record of `topic` (all partitions, up to the end offsets when called). */
export async function readAll(log: EventLog, topic: string): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for (const [partition, end] of await log.endOffsets(topic)) {
    let from = 0;
    while (from < end) {
      const batch = (await log.read(topic, partition, from, 5000)).filter((r) => r.offset < end);
      if (batch.length === 0) break;
      out.push(...batch);
      from = batch[batch.length - 1]!.offset + 1;
    }
  }
  return out;
}

/** Resolves once `group` has committed every readable record of `topic` that exists when it checks. */
export async function caughtUp(log: EventLog, group: string, topic: string, timeoutMs: number): Promise<void> {
  let ends = new Map<number, number>();
  let committed = new Map<number, number>();
  await eventually(
    async () => {
      ends = await log.endOffsets(topic);
      committed = await log.committedOffsets(group, topic);
      for (const [p, end] of ends) {
        const from = committed.get(p) ?? 0;
        // Only transaction markers may lie between the committed offset and the end.
        if (from < end && (await log.read(topic, p, from, 1)).some((r) => r.offset < end)) return false;
      }
      return true;
    },
    { timeoutMs, intervalMs: 200, what: () => `group ${group} did not catch up on ${topic} within ${timeoutMs} ms: ends ${JSON.stringify([...ends])}, committed ${JSON.stringify([...committed])}` },
  );
}
