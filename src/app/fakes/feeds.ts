/**
 * A local fake of YouTube's public Atom feeds, `GET {url}/feeds/videos.xml?channel_id=UC…` (the
 * newest 15 entries of the channel's uploads playlist) and `?playlist_id=PL…` (the first 15 items),
 * served from the data of a {@link FakeYouTube}. Documents follow YouTube's format: `<feed>` with
 * `yt:channelId` / `yt:playlistId`, and per `<entry>` `yt:videoId`, `yt:channelId`, `title`,
 * `published`, `updated`. An unknown channel or playlist is 404, as on YouTube. Feeds cost no quota.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeVideo, FakeYouTube } from './youtube.js';

const DEFAULT_CHANNEL = 'UCfakeYouTubeChannel0001';
const DEFAULT_PUBLISHED = '2024-01-01T00:00:00Z';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** One Atom `<entry>` as YouTube writes it. */
export function atomEntry(v: Pick<FakeVideo, 'id' | 'title' | 'channelId' | 'channelTitle' | 'publishedAt'>, updated?: string): string {
  const channelId = v.channelId ?? DEFAULT_CHANNEL;
  const published = v.publishedAt ?? DEFAULT_PUBLISHED;
  return ` <entry>
  <id>yt:video:${esc(v.id)}</id>
  <yt:videoId>${esc(v.id)}</yt:videoId>
  <yt:channelId>${esc(channelId)}</yt:channelId>
  <title>${esc(v.title)}</title>
  <link rel="alternate" href="https://www.youtube.com/watch?v=${esc(v.id)}"/>
  <author>
   <name>${esc(v.channelTitle ?? 'Fake Channel')}</name>
   <uri>https://www.youtube.com/channel/${esc(channelId)}</uri>
  </author>
  <published>${esc(published)}</published>
  <updated>${esc(updated ?? published)}</updated>
 </entry>
`;
}

/** A whole Atom document: the feed head (`self` link, channel or playlist id), entries, tombstones. */
export function atomFeed(options: { self: string; channelId?: string; playlistId?: string; title?: string; entries?: string[]; deleted?: string[] }): string {
  const head = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns:at="http://purl.org/atompub/tombstones/1.0" xmlns="http://www.w3.org/2005/Atom">`,
    ` <link rel="self" href="${esc(options.self)}"/>`,
    ...(options.playlistId ? [` <id>yt:playlist:${esc(options.playlistId)}</id>`, ` <yt:playlistId>${esc(options.playlistId)}</yt:playlistId>`] : []),
    ...(options.channelId ? [` <yt:channelId>${esc(options.channelId)}</yt:channelId>`] : []),
    ` <title>${esc(options.title ?? 'YouTube video feed')}</title>`,
    ` <published>${DEFAULT_PUBLISHED}</published>`,
  ];
  const deleted = (options.deleted ?? []).map((id) => ` <at:deleted-entry ref="yt:video:${esc(id)}" when="${new Date().toISOString()}"/>`);
  return `${head.join('\n')}\n${(options.entries ?? []).join('')}${deleted.join('\n')}\n</feed>\n`;
}

export type FeedFault = 'http500' | 'malformed';

/** One logged request to the fake. */
export interface FeedRequest {
  channelId?: string;
  playlistId?: string;
  status: number;
}

/** The fake feed server on 127.0.0.1, reading a {@link FakeYouTube}'s channels and playlists live. */
export class FakeFeeds {
  /** Base URL without trailing slash: the `YOUTUBE_FEEDS_ROOT` of tests. */
  readonly url: string;
  readonly requests: FeedRequest[] = [];
  readonly #server: Server;
  readonly #faults: FeedFault[] = [];

  private constructor(server: Server, private readonly youtube: FakeYouTube) {
    this.#server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.#handle(req, res));
  }

  static async start(youtube: FakeYouTube, port = 0): Promise<FakeFeeds> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return new FakeFeeds(server, youtube);
  }

  /** The next `count` feed requests fail with `fault`. */
  failNext(count: number, fault: FeedFault): void {
    for (let i = 0; i < count; i++) this.#faults.push(fault);
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.close((err) => (err ? reject(err) : resolve()));
      this.#server.closeAllConnections();
    });
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    const url = new URL(req.url ?? '/', this.url);
    const channelId = url.searchParams.get('channel_id') ?? undefined;
    const playlistId = url.searchParams.get('playlist_id') ?? undefined;
    const entry: FeedRequest = { channelId, playlistId, status: 0 };
    this.requests.push(entry);
    const send = (status: number, body: string, type = 'application/atom+xml; charset=UTF-8') => {
      entry.status = status;
      res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) });
      res.end(body);
    };
    if (req.method !== 'GET' || url.pathname !== '/feeds/videos.xml' || (!channelId && !playlistId)) return send(404, 'Not Found', 'text/html');
    const fault = this.#faults.shift();
    if (fault === 'http500') return send(500, 'Internal Server Error', 'text/html');
    const yt = this.youtube;
    const ids = channelId ? (yt.channels.get(channelId) && yt.playlists.get(yt.channels.get(channelId)!.uploads)) : yt.playlists.get(playlistId!);
    if (!ids) return send(404, 'Not Found', 'text/html');
    const entries = ids.slice(0, 15).flatMap((id) => {
      const v = yt.videos.get(id);
      return v ? [atomEntry(v)] : [];
    });
    const self = `http://www.youtube.com/feeds/videos.xml?${channelId ? `channel_id=${channelId}` : `playlist_id=${playlistId}`}`;
    const body = atomFeed({ self, channelId, playlistId, entries });
    send(200, fault === 'malformed' ? body.slice(0, Math.floor(body.length / 2)) : body);
  }
}
