import type { EventLog } from '../../engine/core/log.js';
import { describeError } from '../../engine/core/errors.js';
import { pacificDay } from '../../engine/core/time.js';
import { readStatusRecords, type PollStatus, type SinkStatus } from '../core/status.js';
import type { Names } from '../core/topics.js';
import type { Logger } from './logger.js';

/** Records the poller's and the sinks' outcomes. Writes never throw: a failed write is logged. */
export class StatusWriter {
  private sinks = new Map<string, SinkStatus>();
  private lastSuccessAt?: number;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly log: EventLog,
    private readonly names: Names,
    private readonly logger: Logger,
  ) {}

  /** Starts from what the deployment recorded before (last successes survive restarts). */
  async load(): Promise<void> {
    const s = await readStatusRecords(this.log, this.names);
    this.lastSuccessAt = s.poll?.lastSuccessAt;
    for (const sink of s.sinks) this.sinks.set(sink.sink, sink);
  }

  poll(p: Omit<PollStatus, 'lastSuccessAt' | 'day'>): Promise<void> {
    if (p.ok) this.lastSuccessAt = p.at;
    return this.write('poll', { ...p, day: pacificDay(p.at), lastSuccessAt: this.lastSuccessAt } satisfies PollStatus);
  }

  /** One batch's outcome for a sink: `failure` is the last reason when anything failed. */
  sink(sink: string, outcome: { delivered: number; failure?: string }, at = Date.now()): void {
    const cur: SinkStatus = { ...(this.sinks.get(sink) ?? { sink }) };
    if (outcome.delivered > 0) cur.lastSuccessAt = at;
    if (outcome.failure !== undefined) {
      cur.lastFailureAt = at;
      cur.lastFailure = outcome.failure;
    }
    this.sinks.set(sink, cur);
    void this.write(`sink/${sink}`, cur);
  }

  /** Waits for the writes in flight. */
  flush(): Promise<void> {
    return this.chain;
  }

  private write(key: string, value: PollStatus | SinkStatus): Promise<void> {
    this.chain = this.chain.then(() =>
      this.log.produce([this.names.of('status').record(value, { key })]).catch((err: unknown) => {
        this.logger.warn({ err: describeError(err) }, 'status: could not record');
      }),
    );
    return this.chain;
  }
}

