/**
 * YouTube's public Atom feeds: `ROOT/feeds/videos.xml?channel_id=UC…` (the newest 15 uploads) and
 * `?playlist_id=PL…` (the first 15 items), free of quota and key. The same Atom entries arrive by
 * WebSub push, so {@link parseAtom} serves both.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { YtwatchError } from '../../engine/core/errors.js';
import { VIDEO_ID } from '../core/video.js';

/** One `<entry>`: the fields YouTube documents (`yt:videoId`, `yt:channelId`, title, published, updated). */
export interface FeedEntry {
  videoId: string;
  channelId: string | null;
  title: string;
  published: string | null;
  updated: string | null;
}

export interface AtomFeed {
  entries: FeedEntry[];
  /** Video ids of `at:deleted-entry` elements (`ref="yt:video:ID"`). */
  deleted: string[];
  /** The feed's `<link rel="self">`, which is the WebSub topic. */
  self: string | null;
}

/** Entries a feed lists at most; a feed this full may hide older changes. */
export const FEED_SIZE = 15;

/** A feed could not be read or parsed. Retriable: the poller falls back to a full listing. */
export class FeedError extends YtwatchError {
  override name = 'FeedError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retriable: true, ...options });
  }
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name) => name === 'entry' || name === 'link' || name === 'at:deleted-entry',
});

type Node = Record<string, unknown>;
const text = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'object' && v !== null && typeof (v as Node)['#text'] === 'string' ? ((v as Node)['#text'] as string) : null);
const nodes = (v: unknown): Node[] => (Array.isArray(v) ? v.filter((x): x is Node => typeof x === 'object' && x !== null) : []);

/**
 * Parses an Atom document from YouTube. Throws {@link FeedError} when it is not well-formed XML,
 * declares a DTD, or has no `<feed>` root; entries without a valid `yt:videoId` are skipped.
 */
export function parseAtom(xml: string): AtomFeed {
  // YouTube's feeds declare no DTD; refusing one rules out entity-expansion bombs.
  if (/<!DOCTYPE/i.test(xml)) throw new FeedError('feed declares a DTD, which YouTube\'s feeds never do');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new FeedError(`feed is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (err) {
    throw new FeedError(`feed could not be parsed: ${(err as Error).message}`, { cause: err });
  }
  const feed = doc.feed;
  if (typeof feed !== 'object' || feed === null) throw new FeedError('feed has no <feed> root element');
  const f = feed as Node;
  const entries: FeedEntry[] = [];
  for (const e of nodes(f.entry)) {
    const videoId = text(e['yt:videoId']);
    if (!videoId || !VIDEO_ID.test(videoId)) continue;
    entries.push({
      videoId,
      channelId: text(e['yt:channelId']),
      title: text(e.title) ?? videoId,
      published: text(e.published),
      updated: text(e.updated),
    });
  }
  const deleted = nodes(f['at:deleted-entry']).flatMap((d) => {
    const id = /^yt:video:(.+)$/.exec(String(d['@ref'] ?? ''))?.[1];
    return id && VIDEO_ID.test(id) ? [id] : [];
  });
  const self = nodes(f.link).find((l) => l['@rel'] === 'self');
  return { entries, deleted, self: typeof self?.['@href'] === 'string' ? self['@href'] : null };
}

/** Which feed: a channel's uploads or a playlist's first items. */
export type FeedRef = { channelId: string } | { playlistId: string };

/** The feed URL of `ref` under `root` (default `https://www.youtube.com`). */
export function feedUrl(root: string, ref: FeedRef): string {
  const q = 'channelId' in ref ? `channel_id=${encodeURIComponent(ref.channelId)}` : `playlist_id=${encodeURIComponent(ref.playlistId)}`;
  return `${root.replace(/\/+$/, '')}/feeds/videos.xml?${q}`;
}

export interface FeedClientOptions {
  /** Default `https://www.youtube.com`. */
  root?: string;
  /** Per-request timeout. Default 15 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Largest feed body read; YouTube's are about 30 KB. */
const MAX_FEED_BYTES = 2 * 1024 * 1024;

/** Reads feeds over HTTP. Costs no quota; every failure is a {@link FeedError}. */
export class FeedClient {
  private readonly root: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(options: FeedClientOptions = {}) {
    this.root = options.root ?? 'https://www.youtube.com';
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async read(ref: FeedRef, signal?: AbortSignal): Promise<AtomFeed> {
    const url = feedUrl(this.root, ref);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let body: string;
    try {
      const res = await this.fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, headers: { accept: 'application/atom+xml' } });
      if (!res.ok) {
        await res.body?.cancel().catch(() => {});
        throw new FeedError(`feed ${url} answered HTTP ${res.status}`);
      }
      body = await res.text();
    } catch (err) {
      if (err instanceof FeedError || signal?.aborted) throw err;
      throw new FeedError(`feed ${url} could not be read: ${(err as Error).message}`, { cause: err });
    }
    if (body.length > MAX_FEED_BYTES) throw new FeedError(`feed ${url} is larger than ${MAX_FEED_BYTES} bytes`);
    return parseAtom(body);
  }
}
