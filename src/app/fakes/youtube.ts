/**
 * A local fake of the YouTube Data API v3 (`GET {url}/youtube/v3/{resource}?key=…&part=…`) for
 * tests and for `ytwatch demo`. It serves `playlistItems.list`, `videos.list` and `channels.list`
 * in the API's JSON shapes, with Google's error bodies, quota accounting, ETags and fault
 * injection. Point `@googleapis/youtube` at it with `rootUrl: fake.url + '/'`.
 *
 * Quota rules: a request without a key or with a wrong key costs nothing (Google cannot bill a
 * project for it), nor does one to an unknown path; once `unitsUsed >= dailyQuota`, requests get
 * 403 `quotaExceeded` and cost nothing more. Every other request costs 1 unit whatever its
 * outcome: 200, 304, 4xx and injected faults alike.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A video as the fake stores it; edit freely between requests. */
export interface FakeVideo {
  id: string;
  title: string;
  channelId?: string;
  channelTitle?: string;
  /** ISO 8601; default `2024-01-01T00:00:00Z`. */
  publishedAt?: string;
  views: number;
  /** `null`: the owner hides likes, so `likeCount` is omitted. */
  likes: number | null;
  /** `null`: comments are off, so `commentCount` is omitted. */
  comments: number | null;
  favorites?: number;
}

export interface FakeChannel {
  id: string;
  /** `'@name'`; `forHandle` matches it case-insensitively, with or without `@`. */
  handle?: string;
  /** The uploads playlist id. */
  uploads: string;
}

export type YouTubeFault = 'http500' | 'http503' | 'timeout' | 'truncated' | 'nonjson' | 'quota' | 'reset';

/** One logged request; `status` is 0 for requests never answered (`timeout`, `reset`). */
export interface YouTubeRequest {
  resource: string;
  query: Record<string, string>;
  status: number;
}

export interface FakeYouTubeOptions {
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** The only accepted API key; default `'test-key'`. */
  apiKey?: string;
  /** Units per day; default 10,000. Reset with {@link FakeYouTube.resetUnits}. */
  dailyQuota?: number;
}

export interface SimulateOptions {
  /** Interval between steps; default 2000 ms. */
  everyMs?: number;
  /** Source of randomness in [0, 1); default `Math.random`. */
  random?: () => number;
}

type Json = Record<string, unknown>;
type Query = Record<string, string>;

interface ErrorItem {
  message: string;
  domain: string;
  reason: string;
  location?: string;
  locationType?: string;
}

/** A Google API error reply: `{"error":{"code","message","errors":[…],"status"?}}`. */
class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly domain = 'global',
    readonly extra: { status?: string; location?: string; locationType?: string } = {},
  ) {
    super(message);
  }

  toJSON(): Json {
    const { status, ...where } = this.extra;
    const item: ErrorItem = { message: this.message, domain: this.domain, reason: this.reason, ...where };
    return { error: { code: this.code, message: this.message, errors: [item], ...(status ? { status } : {}) } };
  }
}

const QUOTA_MESSAGE =
  'The request cannot be completed because you have exceeded your ' +
  '<a href="/youtube/v3/getting-started#quota">quota</a>.';
const quotaError = (): ApiError => new ApiError(403, 'quotaExceeded', QUOTA_MESSAGE, 'youtube.quota');
const param = (location: string) => ({ location, locationType: 'parameter' });
const FAULT_ERRORS: Partial<Record<YouTubeFault, () => ApiError>> = {
  http500: () => new ApiError(500, 'backendError', 'Internal error encountered.', 'global', { status: 'INTERNAL' }),
  http503: () =>
    new ApiError(503, 'backendError', 'The service is currently unavailable.', 'global', { status: 'UNAVAILABLE' }),
  quota: quotaError,
};
const GOOGLE_502_PAGE =
  '<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n' +
  '  <title>Error 502 (Server Error)!!1</title>\n' +
  '  <a href=//www.google.com/><span id=logo aria-label=Google></span></a>\n' +
  '  <p><b>502.</b> <ins>That’s an error.</ins>\n' +
  '  <p>The server encountered a temporary error and could not complete your request.' +
  '<p>Please try again in 30 seconds.  <ins>That’s all we know.</ins>\n';
const DEFAULT_CHANNEL = { id: 'UCfakeYouTubeChannel0001', title: 'Fake Channel' };
const DEFAULT_PUBLISHED = '2024-01-01T00:00:00Z';
const ID_CHARS = /^[A-Za-z0-9_-]*$/;

const hash = (value: unknown): string =>
  createHash('sha1').update(JSON.stringify(value)).digest('base64url').slice(0, 27);

/** Builds `{kind, etag, ...rest}` with an etag derived from the content. */
function tagged(kind: string, rest: Json): Json {
  return { kind, etag: hash([kind, rest]), ...rest };
}

/** Splits and checks `part`; 400 `required` when absent, `unknownPart` for names not in `allowed`. */
function parts(query: Query, allowed: readonly string[]): Set<string> {
  if (!query.part) {
    throw new ApiError(400, 'required', 'Required parameter: part', 'global', param('part'));
  }
  const names = query.part.split(',').map((p) => p.trim()).filter(Boolean);
  const unknown = names.find((p) => !allowed.includes(p));
  if (unknown !== undefined) throw new ApiError(400, 'unknownPart', unknown, 'youtube.part', param('part'));
  return new Set(names);
}

function noFilter(expected: string): ApiError {
  return new ApiError(400, 'missingRequiredParameter', `No filter selected. Expected one of: ${expected}`,
    'youtube.parameter', { location: 'parameters.', locationType: 'other' });
}

function idList(raw: string): string[] {
  const ids = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length > 50) {
    throw new ApiError(400, 'invalidFilters', 'The request specifies an invalid filter parameter.',
      'youtube.parameter', { location: 'parameters.', locationType: 'other' });
  }
  return [...new Set(ids)];
}

function maxResults(query: Query): number {
  const raw = query.maxResults;
  if (raw === undefined) return 5;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 50) {
    throw new ApiError(400, 'invalidValue', `Invalid value '${raw}'. Values must be within the range: [0, 50]`,
      'youtube.parameter', param('maxResults'));
  }
  return n;
}

/** `part=a&part=b` (how googleapis sends arrays) means `part=a,b`, as on the real API. */
function joinRepeated(params: URLSearchParams): Query {
  const joined = new Map<string, string>();
  for (const [key, value] of params) {
    const prev = joined.get(key);
    joined.set(key, prev === undefined ? value : `${prev},${value}`);
  }
  return Object.fromEntries(joined);
}

const encodeToken = (offset: number): string => Buffer.from(`PT:${offset}`).toString('base64url');

function decodeToken(token: string): number {
  const m = /^PT:(\d{1,9})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m || encodeToken(Number(m[1])) !== token) {
    throw new ApiError(400, 'invalidPageToken', 'The request specifies an invalid page token.',
      'youtube.parameter', param('pageToken'));
  }
  return Number(m[1]);
}

/** A fake YouTube Data API v3 server on 127.0.0.1. */
export class FakeYouTube {
  /** Base URL without trailing slash. */
  readonly url: string;
  readonly apiKey: string;
  dailyQuota: number;
  /** Units spent since start or the last {@link resetUnits}. */
  unitsUsed = 0;
  readonly videos = new Map<string, FakeVideo>();
  /** Playlist id → video ids in playlist order. */
  readonly playlists = new Map<string, string[]>();
  readonly channels = new Map<string, FakeChannel>();
  readonly requests: YouTubeRequest[] = [];

  readonly #server: Server;
  readonly #faults: Array<{ left: number; fault: YouTubeFault; resource?: string }> = [];
  readonly #counters = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;

  private constructor(server: Server, options: FakeYouTubeOptions) {
    this.#server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.apiKey = options.apiKey ?? 'test-key';
    this.dailyQuota = options.dailyQuota ?? 10_000;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.#handle(req, res));
  }

  /** Starts a fake on `options.port` (default: a free port). */
  static async start(options: FakeYouTubeOptions = {}): Promise<FakeYouTube> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new FakeYouTube(server, options);
  }

  /**
   * Fills a demo channel (`@ytwatchdemo`) whose uploads and a playlist `PLdemo…` hold 6 videos with
   * varied titles (one with `&` and `<`, one with Markdown characters, one with likes hidden, one
   * with comments off).
   */
  static demoData(fake: FakeYouTube): { channelId: string; playlistId: string; videos: FakeVideo[] } {
    const channelId = 'UCytwatchDemoChannel0001';
    const playlistId = 'PLdemoytwatchSimulatedPlaylist0001';
    const base = { channelId, channelTitle: 'ytwatch demo' };
    const rows: Array<[string, string, number, number | null, number | null]> = [
      ['Qm3x_Tz8LpA', 'Building a real-time pipeline in 10 minutes', 48_213, 2_104, 187],
      ['b7Rk-2vNw0E', 'Tom & Jerry <live> reaction — the 2024 special', 129_877, 5_120, 902],
      ['Xe9Lq4HsJ1c', 'Morning routine: 5am club, an honest review (1 year later)', 8_731, null, 64],
      ['p0Zt6YgWm-8', 'Lo-fi beats to debug to ☕ 24/7', 1_500_392, 40_211, null],
      ['Hn2Vd8Kc_rU', 'How I escape *markdown* [properly] — v2.0!', 3_120, 211, 35],
      ['sA5fJw3eQ7o', 'Ünïcödé test: 日本語タイトル 🎮 part #3', 640, 38, 4],
    ];
    const videos = rows.map(([id, title, views, likes, comments], i): FakeVideo => ({
      ...base, id, title, views, likes, comments, publishedAt: `2024-0${i + 1}-15T16:00:00Z`,
    }));
    for (const video of videos) fake.videos.set(video.id, video);
    const ids = videos.map((v) => v.id);
    fake.addPlaylist(playlistId, ids);
    fake.addPlaylist('UUytwatchDemoChannel0001', [...ids].reverse());
    fake.addChannel(channelId, 'UUytwatchDemoChannel0001', '@ytwatchdemo');
    return { channelId, playlistId, videos };
  }

  /**
   * Adds `n` videos with deterministic 11-character ids (`prefix` + zero-padded counter, e.g.
   * `vid00000001`; the counter continues across calls) and returns them.
   */
  addVideos(n: number, prefix = 'vid'): FakeVideo[] {
    if (!ID_CHARS.test(prefix) || prefix.length > 10) {
      throw new RangeError(`FakeYouTube.addVideos: prefix must be up to 10 of [A-Za-z0-9_-], got ${prefix}`);
    }
    const created: FakeVideo[] = [];
    let k = this.#counters.get(prefix) ?? 0;
    while (created.length < n) {
      k++;
      const id = prefix + String(k).padStart(11 - prefix.length, '0');
      if (id.length > 11) throw new RangeError(`FakeYouTube.addVideos: ids for prefix ${prefix} exhausted`);
      if (this.videos.has(id)) continue;
      const video: FakeVideo = {
        id, title: `Test video ${k}`, publishedAt: new Date(Date.UTC(2024, 0, 1, k % 24, k % 60)).toISOString(),
        views: 1000 * k, likes: 10 * k, comments: k,
      };
      this.videos.set(id, video);
      created.push(video);
    }
    this.#counters.set(prefix, k);
    return created;
  }

  /** Creates or replaces a playlist. */
  addPlaylist(id: string, videoIds: string[]): void {
    this.playlists.set(id, [...videoIds]);
  }

  /** Adds a channel; creates its uploads playlist (empty) if missing. */
  addChannel(id: string, uploadsPlaylistId: string, handle?: string): FakeChannel {
    const channel: FakeChannel = { id, uploads: uploadsPlaylistId };
    if (handle) channel.handle = handle.startsWith('@') ? handle : `@${handle}`;
    this.channels.set(id, channel);
    if (!this.playlists.has(uploadsPlaylistId)) this.playlists.set(uploadsPlaylistId, []);
    return channel;
  }

  resetUnits(): void {
    this.unitsUsed = 0;
  }

  /**
   * The next `count` billable requests (to `resource`, e.g. `'videos'`, if given) fail. `timeout`
   * never answers until {@link close}; `truncated` sends half of the JSON body; `nonjson` a 502 HTML
   * page; `reset` destroys the socket. Faulted requests still cost a unit.
   */
  failNext(count: number, fault: YouTubeFault, resource?: string): void {
    this.#faults.push({ left: count, fault, resource });
  }

  /**
   * One simulation step: every video gains a few views; visible likes grow sometimes, open comments
   * less often.
   */
  tick(random: () => number = Math.random): void {
    for (const video of this.videos.values()) {
      video.views += 1 + Math.floor(random() * 25);
      if (video.likes !== null && random() < 0.3) video.likes += 1 + Math.floor(random() * 3);
      if (video.comments !== null && random() < 0.15) video.comments += 1;
    }
  }

  /** Runs {@link tick} every `everyMs` (default 2000) until the returned stop function or close. */
  simulate(options: SimulateOptions = {}): () => void {
    this.#stopSimulation();
    const random = options.random ?? Math.random;
    const timer = setInterval(() => this.tick(random), options.everyMs ?? 2000);
    this.#timer = timer;
    return () => {
      if (this.#timer === timer) this.#stopSimulation();
    };
  }

  /** Stops the simulation and the server, destroying every connection (keep-alive and hung ones). */
  close(): Promise<void> {
    this.#stopSimulation();
    this.#closing ??= new Promise<void>((resolve, reject) => {
      this.#server.close((err) => (err ? reject(err) : resolve()));
      this.#server.closeAllConnections();
    });
    return this.#closing;
  }

  #stopSimulation(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    const url = new URL(req.url ?? '/', this.url);
    const query = joinRepeated(url.searchParams);
    const resource = /^\/youtube\/v3\/([A-Za-z]+)$/.exec(url.pathname)?.[1] ?? url.pathname;
    const entry: YouTubeRequest = { resource, query, status: 0 };
    this.requests.push(entry);
    const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
      entry.status = status;
      res.writeHead(status, {
        'content-type': 'application/json; charset=UTF-8',
        'content-length': String(Buffer.byteLength(body)),
        ...headers,
      });
      res.end(body);
    };
    const fail = (err: ApiError): void => send(err.code, JSON.stringify(err.toJSON()));
    const list = this.#lister(resource);
    if (!list || req.method !== 'GET') {
      return fail(new ApiError(404, 'notFound', 'Method not found.', 'global', { status: 'NOT_FOUND' }));
    }
    if (!query.key) {
      return fail(new ApiError(403, 'forbidden',
        'Method doesn\'t allow unregistered callers (callers without established identity). ' +
        'Please use API Key or other form of API consumer identity to call this API.',
        'global', { status: 'PERMISSION_DENIED' }));
    }
    if (query.key !== this.apiKey) {
      return fail(new ApiError(400, 'badRequest', 'API key not valid. Please pass a valid API key.', 'global',
        { status: 'INVALID_ARGUMENT' }));
    }
    if (this.unitsUsed >= this.dailyQuota) return fail(quotaError());
    this.unitsUsed++;
    const fault = this.#takeFault(resource);
    if (fault === 'timeout') return;
    if (fault === 'reset') return void req.socket.destroy();
    if (fault === 'nonjson') return send(502, GOOGLE_502_PAGE, { 'content-type': 'text/html; charset=UTF-8' });
    const faultError = fault ? FAULT_ERRORS[fault] : undefined;
    if (faultError) return fail(faultError());
    let body: Json;
    try {
      body = list(query);
    } catch (err) {
      return fail(err instanceof ApiError ? err : new ApiError(500, 'backendError', String(err)));
    }
    const json = JSON.stringify(body);
    if (fault === 'truncated') return send(200, json.slice(0, Math.floor(json.length / 2)));
    const etag = String(body.etag);
    const match = (req.headers['if-none-match'] ?? '').split(',').map((t) => t.trim().replace(/^W\//, ''));
    if (match.includes(etag) || match.includes(`"${etag}"`)) {
      entry.status = 304;
      res.writeHead(304, { etag: `"${etag}"` });
      return void res.end();
    }
    send(200, json, { etag: `"${etag}"` });
  }

  #takeFault(resource: string): YouTubeFault | undefined {
    const entry = this.#faults.find((f) => f.left > 0 && (f.resource === undefined || f.resource === resource));
    if (!entry) return undefined;
    entry.left--;
    if (entry.left === 0) this.#faults.splice(this.#faults.indexOf(entry), 1);
    return entry.fault;
  }

  #lister(resource: string): ((query: Query) => Json) | undefined {
    if (resource === 'videos') return (q) => this.#listVideos(q);
    if (resource === 'playlistItems') return (q) => this.#listPlaylistItems(q);
    if (resource === 'channels') return (q) => this.#listChannels(q);
    return undefined;
  }

  #listPlaylistItems(query: Query): Json {
    const wanted = parts(query, ['id', 'snippet', 'contentDetails', 'status']);
    if (!query.playlistId) throw noFilter('id, playlistId');
    const max = maxResults(query);
    const playlistId = query.playlistId;
    const list = this.playlists.get(playlistId);
    if (!list) {
      throw new ApiError(404, 'playlistNotFound',
        'The playlist identified with the request\'s <code>playlistId</code> parameter cannot be found.',
        'youtube.playlistItem', param('playlistId'));
    }
    const offset = query.pageToken ? decodeToken(query.pageToken) : 0;
    const items = list.slice(offset, offset + max).map((videoId, k) => {
      const video = this.videos.get(videoId);
      const owner = this.#owner(video);
      const item: Json = { id: Buffer.from(`${playlistId}.${videoId}`).toString('base64url') };
      if (wanted.has('snippet')) {
        item.snippet = {
          publishedAt: video?.publishedAt ?? DEFAULT_PUBLISHED, ...owner,
          title: video ? video.title : 'Deleted video', description: video ? '' : 'This video is unavailable.',
          thumbnails: {}, playlistId, position: offset + k, resourceId: { kind: 'youtube#video', videoId },
          ...(video ? { videoOwnerChannelTitle: owner.channelTitle, videoOwnerChannelId: owner.channelId } : {}),
        };
      }
      if (wanted.has('contentDetails')) {
        const videoPublishedAt = video ? video.publishedAt ?? DEFAULT_PUBLISHED : undefined;
        item.contentDetails = videoPublishedAt ? { videoId, videoPublishedAt } : { videoId };
      }
      if (wanted.has('status')) item.status = { privacyStatus: video ? 'public' : 'private' };
      return tagged('youtube#playlistItem', item);
    });
    const more = max > 0 && offset + max < list.length;
    return tagged('youtube#playlistItemListResponse', {
      ...(more ? { nextPageToken: encodeToken(offset + max) } : {}),
      ...(offset > 0 ? { prevPageToken: encodeToken(Math.max(0, offset - max)) } : {}),
      items,
      pageInfo: { totalResults: list.length, resultsPerPage: max },
    });
  }

  #listVideos(query: Query): Json {
    const wanted = parts(query, ['id', 'snippet', 'statistics', 'contentDetails', 'status']);
    if (query.id === undefined) throw noFilter('chart, id, myRating');
    const videos = idList(query.id).flatMap((id) => this.videos.get(id) ?? []);
    const items = videos.map((v) => {
      const item: Json = { id: v.id };
      if (wanted.has('snippet')) {
        item.snippet = {
          publishedAt: v.publishedAt ?? DEFAULT_PUBLISHED, ...this.#owner(v), title: v.title, description: '',
          thumbnails: {}, categoryId: '22', liveBroadcastContent: 'none',
          localized: { title: v.title, description: '' },
        };
      }
      if (wanted.has('contentDetails')) {
        item.contentDetails = { duration: 'PT4M13S', dimension: '2d', definition: 'hd', caption: 'false' };
      }
      if (wanted.has('status')) item.status = { uploadStatus: 'processed', privacyStatus: 'public' };
      if (wanted.has('statistics')) {
        item.statistics = {
          viewCount: String(v.views),
          ...(v.likes === null ? {} : { likeCount: String(v.likes) }),
          favoriteCount: String(v.favorites ?? 0),
          ...(v.comments === null ? {} : { commentCount: String(v.comments) }),
        };
      }
      return tagged('youtube#video', item);
    });
    return tagged('youtube#videoListResponse', {
      items, pageInfo: { totalResults: items.length, resultsPerPage: items.length },
    });
  }

  #listChannels(query: Query): Json {
    const wanted = parts(query, ['id', 'snippet', 'contentDetails', 'statistics']);
    let found: FakeChannel[];
    if (query.id !== undefined) {
      found = idList(query.id).flatMap((id) => this.channels.get(id) ?? []);
    } else if (query.forHandle !== undefined) {
      const handle = `@${query.forHandle.replace(/^@/, '')}`.toLowerCase();
      found = [...this.channels.values()].filter((c) => c.handle?.toLowerCase() === handle);
    } else if (query.forUsername !== undefined) {
      found = [];
    } else {
      throw noFilter('categoryId, forHandle, forUsername, id, managedByMe, mine');
    }
    const items = found.map((c) => {
      const item: Json = { id: c.id };
      const title = [...this.videos.values()].find((v) => v.channelId === c.id)?.channelTitle ?? c.handle ?? c.id;
      if (wanted.has('snippet')) {
        item.snippet = {
          title, description: '', ...(c.handle ? { customUrl: c.handle.toLowerCase() } : {}),
          publishedAt: DEFAULT_PUBLISHED, thumbnails: {}, localized: { title, description: '' },
        };
      }
      if (wanted.has('contentDetails')) item.contentDetails = { relatedPlaylists: { likes: '', uploads: c.uploads } };
      if (wanted.has('statistics')) {
        const count = this.playlists.get(c.uploads)?.length ?? 0;
        item.statistics = {
          viewCount: '0', subscriberCount: '0', hiddenSubscriberCount: false, videoCount: String(count),
        };
      }
      return tagged('youtube#channel', item);
    });
    return tagged('youtube#channelListResponse', {
      pageInfo: { totalResults: items.length, resultsPerPage: 5 },
      ...(items.length > 0 ? { items } : {}),
    });
  }

  #owner(video: FakeVideo | undefined): { channelId?: string; channelTitle?: string } {
    if (!video) return {};
    const channelId = video.channelId ?? DEFAULT_CHANNEL.id;
    const channelTitle = video.channelTitle ?? DEFAULT_CHANNEL.title;
    return { channelId, channelTitle };
  }
}
