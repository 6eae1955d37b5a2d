/**
 * A local fake of a WebSub hub (YouTube uses https://pubsubhubbub.appspot.com), speaking the
 * documented protocol: `POST {url}/subscribe` with the form fields `hub.mode`, `hub.topic`,
 * `hub.callback`, `hub.lease_seconds`, `hub.secret` answers 202, then verifies asynchronously with
 * `GET callback?hub.mode&hub.topic&hub.challenge&hub.lease_seconds` (the subscriber must echo the
 * challenge). {@link FakeHub.publish} POSTs an Atom body to every verified, unexpired subscriber of
 * a topic, signed `X-Hub-Signature: sha1=<HMAC-SHA1 of the body with hub.secret>`.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A subscribe or unsubscribe request the hub received. */
export interface HubRequest {
  mode: string;
  topic: string;
  callback: string;
  leaseSeconds: number;
  hasSecret: boolean;
  at: number;
}

/** One verification the hub made. */
export interface HubVerification {
  topic: string;
  callback: string;
  ok: boolean;
  at: number;
  /** The previous lease's expiry, when this verification renewed one. */
  previousExpiry?: number;
}

interface HubSubscription {
  topic: string;
  callback: string;
  secret?: string;
  expiresAt: number;
}

export class FakeHub {
  readonly url: string;
  /** The subscribe endpoint: the `WEBSUB_HUB_URL` of tests. */
  readonly subscribeUrl: string;
  readonly requests: HubRequest[] = [];
  readonly verifications: HubVerification[] = [];
  /** Longest lease granted, seconds (the real hub caps leases too). */
  maxLeaseSeconds = 864_000;
  readonly #subs = new Map<string, HubSubscription>();
  readonly #server: Server;
  readonly #pending = new Set<Promise<void>>();

  private constructor(server: Server) {
    this.#server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.subscribeUrl = `${this.url}/subscribe`;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void this.#handle(req, res));
  }

  static async start(): Promise<FakeHub> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new FakeHub(server);
  }

  /** Verified subscriptions of `topic` whose lease has not run out. */
  active(topic: string, now = Date.now()): number {
    return [...this.#subs.values()].filter((s) => s.topic === topic && s.expiresAt > now).length;
  }

  /** Resolves once `predicate` holds, checking every 50 ms; rejects after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`FakeHub.waitFor: ${what} not met within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Delivers `body` to every active subscriber of `topic`; returns their HTTP statuses. */
  async publish(topic: string, body: string): Promise<number[]> {
    const now = Date.now();
    const subs = [...this.#subs.values()].filter((s) => s.topic === topic && s.expiresAt > now);
    return Promise.all(subs.map(async (s) => {
      const headers: Record<string, string> = {
        'content-type': 'application/atom+xml',
        link: `<${this.url}/>; rel=hub, <${topic}>; rel=self`,
      };
      if (s.secret) headers['x-hub-signature'] = `sha1=${createHmac('sha1', s.secret).update(body).digest('hex')}`;
      const res = await fetch(s.callback, { method: 'POST', headers, body });
      await res.arrayBuffer();
      return res.status;
    }));
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
    await new Promise<void>((resolve, reject) => {
      this.#server.close((err) => (err ? reject(err) : resolve()));
      this.#server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const reply = (status: number, text = '') => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(text);
    };
    if (req.method !== 'POST' || new URL(req.url ?? '/', this.url).pathname !== '/subscribe') return reply(404, 'Not found');
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const mode = form.get('hub.mode') ?? '';
    const topic = form.get('hub.topic') ?? '';
    const callback = form.get('hub.callback') ?? '';
    if (!['subscribe', 'unsubscribe'].includes(mode)) return reply(400, 'Invalid value for hub.mode');
    if (!/^https?:\/\//.test(topic)) return reply(400, 'Invalid value for hub.topic');
    if (!/^https?:\/\//.test(callback)) return reply(400, 'Invalid value for hub.callback');
    const asked = Number(form.get('hub.lease_seconds') ?? '432000');
    const leaseSeconds = Math.min(this.maxLeaseSeconds, Number.isFinite(asked) && asked > 0 ? asked : 432_000);
    const secret = form.get('hub.secret') ?? undefined;
    this.requests.push({ mode, topic, callback, leaseSeconds, hasSecret: secret !== undefined, at: Date.now() });
    reply(202, '');
    const job = this.#verify(mode, topic, callback, leaseSeconds, secret).finally(() => this.#pending.delete(job));
    this.#pending.add(job);
  }

  async #verify(mode: string, topic: string, callback: string, leaseSeconds: number, secret: string | undefined): Promise<void> {
    const challenge = randomBytes(16).toString('hex');
    const url = new URL(callback);
    url.searchParams.set('hub.mode', mode);
    url.searchParams.set('hub.topic', topic);
    url.searchParams.set('hub.challenge', challenge);
    url.searchParams.set('hub.lease_seconds', String(leaseSeconds));
    let ok = false;
    try {
      const res = await fetch(url);
      ok = res.status >= 200 && res.status < 300 && (await res.text()) === challenge;
    } catch {
      ok = false;
    }
    const key = `${callback} ${topic}`;
    const previous = this.#subs.get(key);
    const at = Date.now();
    this.verifications.push({ topic, callback, ok, at, ...(previous ? { previousExpiry: previous.expiresAt } : {}) });
    if (!ok) return;
    if (mode === 'unsubscribe') this.#subs.delete(key);
    else this.#subs.set(key, { topic, callback, secret, expiresAt: at + leaseSeconds * 1000 });
  }
}
