import { describeError } from '../../engine/core/errors.js';
import { Wakeup, type Source } from '../../engine/stream/source.js';
import type { FetchStage } from '../stages/fetch.js';
import type { Rejection, WebSubCallback, WebSubSubscriber } from '../youtube/websub.js';
import type { Logger } from './logger.js';

/**
 * The push {@link Source} beside the poller ({@link PollSource}): keeps the watched channels subscribed at the WebSub hub and
 * turns each authenticated notification into an immediate `videos.list` of the videos it names (one
 * unit per 50), appended to `youtube_videos` like a poll; a video new to its channel is marked
 * `push` and gets the 🆕 alert. Duplicates of what the poller appends change nothing downstream.
 * Delivery: at most once — a notification is acknowledged before its fetch, and one whose fetch
 * fails is dropped (logged); the next poll's feed finds the video anyway.
 */
export class PushSource implements Source, WebSubCallback {
  readonly name = 'push';
  private readonly queue: Array<{ channelId: string; videoIds: string[] }> = [];
  private readonly wakeup = new Wakeup();

  constructor(
    private readonly subscriber: WebSubSubscriber,
    private readonly fetch: FetchStage,
    private readonly logger: Logger,
  ) {}

  verify(channelId: string, query: Record<string, unknown>): string | undefined {
    if (this.subscriber.denied(channelId, query)) {
      this.logger.warn({ channelId, reason: query['hub.reason'] }, 'websub: the hub denied the subscription; retrying later');
      return String(query['hub.challenge'] ?? '');
    }
    const challenge = this.subscriber.verify(channelId, query);
    if (challenge !== undefined) this.logger.info({ channelId, leaseSeconds: query['hub.lease_seconds'] }, 'websub: subscription verified');
    return challenge;
  }

  notify(channelId: string, signature: string | undefined, body: Buffer): void {
    const res = this.subscriber.accept(channelId, signature, body);
    if ('rejected' in res) return this.ignored(channelId, res.rejected);
    const videoIds = res.notification.entries.map((e) => e.videoId);
    if (videoIds.length === 0) return;
    this.queue.push({ channelId, videoIds });
    this.wake();
  }

  ignored(channelId: string, reason: Rejection | string): void {
    this.logger.warn({ channelId: channelId.slice(0, 64), reason }, 'websub: notification ignored');
  }

  /** Handles the queued notifications and the subscriptions due now (a notification calls it too). */
  wake(): void {
    this.wakeup.wake();
  }

  /** Subscribes and renews, and handles notifications, until `stop`. */
  async run(stop: AbortSignal, abort: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      while (this.queue.length > 0 && !abort.aborted) await this.handle(this.queue.shift()!, abort);
      this.subscriber.watch(this.fetch.watchedChannels());
      await this.subscriber.renewDue(abort, (channelId, err) => this.logger.warn({ channelId, err: describeError(err) }, 'websub: subscribe request failed; retrying with back-off'));
      if (this.queue.length > 0) continue;
      await this.wakeup.sleep(Math.min(1000, this.subscriber.msUntilDue()), stop);
    }
  }

  private async handle(item: { channelId: string; videoIds: string[] }, signal: AbortSignal): Promise<void> {
    try {
      const res = await this.fetch.pushed(item.channelId, item.videoIds, signal);
      this.logger.info({ channelId: item.channelId, videos: item.videoIds, ...res }, 'websub: notification handled');
    } catch (err) {
      if (signal.aborted) return;
      this.logger.error({ channelId: item.channelId, err: describeError(err) }, 'websub: could not fetch the notified videos; the next poll will');
    }
  }
}
