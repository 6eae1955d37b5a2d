import type { ServerResponse } from 'node:http';

/** Limits of the `/events` streams. */
export interface SseLimits {
  /** Streams open at once; one more is answered 503 with `Retry-After`. Default 1000. */
  maxClients?: number;
  /**
   * Bytes queued for one client that stopped reading (beyond what the socket took) before that
   * client is dropped — the slowest go first, the others are not held back. Default 1 MiB.
   */
  maxBufferBytes?: number;
}

export const SSE_DEFAULTS: Required<SseLimits> = { maxClients: 1000, maxBufferBytes: 1 << 20 };

/**
 * One server-sent-events client with back-pressure: while the socket is not draining
 * (`res.write` returned false) frames wait in a bounded queue instead of piling up in Node's
 * buffers; heartbeats are skipped meanwhile; past `maxBufferBytes` the client is dropped (a
 * browser's EventSource reconnects by itself; what it missed is in `GET /changes`).
 */
export class SseClient {
  private queue: string[] = [];
  private queued = 0;
  private blocked = false;
  closed = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly maxBufferBytes: number,
    private readonly onDrop: () => void,
  ) {
    res.on('drain', () => this.flush());
  }

  /** Sends a frame, or queues it while the client is slow; drops the client past the cap. */
  send(frame: string): void {
    if (this.closed) return;
    if (!this.blocked) {
      this.blocked = !this.res.write(frame);
      return;
    }
    this.queued += Buffer.byteLength(frame);
    if (this.queued + this.res.writableLength > this.maxBufferBytes) return this.drop();
    this.queue.push(frame);
  }

  /** A keep-alive comment, only when nothing is waiting (a blocked client needs no ping). */
  ping(): void {
    if (!this.blocked && !this.closed) this.blocked = !this.res.write(': ping\n\n');
  }

  /** Bytes waiting for this client: our queue plus Node's write buffer. */
  get buffered(): number {
    return this.queued + this.res.writableLength;
  }

  private flush(): void {
    this.blocked = false;
    while (this.queue.length > 0 && !this.blocked) {
      const frame = this.queue.shift()!;
      this.queued -= Buffer.byteLength(frame);
      this.blocked = !this.res.write(frame);
    }
  }

  private drop(): void {
    this.closed = true;
    this.queue = [];
    this.queued = 0;
    this.onDrop();
    this.res.destroy();
  }
}
