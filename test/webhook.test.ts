/** The webhook sink against a real local HTTP server. */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { after, before, it } from 'node:test';
import type { Alert } from '../src/app/core/events.js';
import { WebhookSink } from '../src/app/sinks/webhook.js';

let server: Server;
let url = '';
const received: Array<{ key: string | undefined; body: { id: string; text: string; alert: Alert } }> = [];
const plan: number[] = [];

before(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const status = plan.shift() ?? 200;
      if (status === 200) received.push({ key: req.headers['idempotency-key'] as string | undefined, body: JSON.parse(body) });
      res.writeHead(status, status === 429 ? { 'retry-after': '1' } : {});
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const alert = (id: string): Alert => ({ v: 1, id, videoId: 'abcdefghijk', title: 'T', kind: 'change', metric: 'views', previous: 1, current: 2, rules: ['any'], at: 0 });

it('posts JSON with an Idempotency-Key, retries 5xx and 429, dead-letters 4xx', async () => {
  const sink = new WebhookSink({ url, baseDelayMs: 5, maxAttempts: 3 });
  plan.push(503, 429, 200, 404);
  const sent: string[] = [];
  const started = Date.now();
  const failures = await sink.deliver([alert('a1'), alert('a2')], new AbortController().signal, async (a) => void sent.push(...a.map((x) => x.id)));
  assert.ok(Date.now() - started >= 1000, 'waited Retry-After');
  assert.deepEqual(received.map((r) => [r.key, r.body.id, r.body.alert.videoId]), [['a1', 'a1', 'abcdefghijk']]);
  assert.match(received[0]!.body.text, /Views changed: 1 → 2 \(\+1\)/);
  assert.deepEqual(sent, ['a1']);
  assert.equal(failures.length, 1);
  assert.equal(failures[0]!.alert.id, 'a2');
  assert.match(failures[0]!.reason, /webhook answered 404/);
});
