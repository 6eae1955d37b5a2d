import { ConfigError } from '../../engine/core/errors.js';
import { VIDEO_ID } from '../core/video.js';

/** What to watch: a playlist, a channel's uploads, or one video. */
export type Target =
  | { kind: 'playlist'; id: string }
  | { kind: 'channel'; id?: string; handle?: string }
  | { kind: 'video'; id: string };

const PLAYLIST_ID = /^[A-Za-z0-9_-]{2,64}$/;
const CHANNEL_ID = /^UC[A-Za-z0-9_-]{22}$/;
const HANDLE = /^@[A-Za-z0-9._-]{3,30}$/;

function asUrl(input: string): URL | undefined {
  if (!/^https?:\/\//i.test(input) && !/^(www\.|m\.)?(youtube\.com|youtu\.be)\//i.test(input)) return undefined;
  try {
    const url = new URL(/^https?:/i.test(input) ? input : `https://${input}`);
    return /(^|\.)youtube\.com$|^youtu\.be$/i.test(url.hostname) ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A video id from `ID`, `watch?v=ID`, `youtu.be/ID`, `/shorts/ID`, `/live/ID` or `/embed/ID`. */
export function parseVideo(input: string): Target {
  const s = input.trim();
  const url = asUrl(s);
  let id: string | undefined = s;
  if (url) {
    id = url.hostname.toLowerCase() === 'youtu.be'
      ? url.pathname.slice(1)
      : url.searchParams.get('v') ?? url.pathname.match(/^\/(?:shorts|live|embed)\/([^/]+)/)?.[1];
  }
  if (!id || !VIDEO_ID.test(id)) {
    throw new ConfigError(`not a YouTube video: ${JSON.stringify(input)}`, 'pass an 11-character video id or a watch URL, e.g. --video dQw4w9WgXcQ');
  }
  return { kind: 'video', id };
}

/** A playlist id from `ID` or any URL with `list=ID`. */
export function parsePlaylist(input: string): Target {
  const s = input.trim();
  const url = asUrl(s);
  const id = url ? url.searchParams.get('list') ?? undefined : s;
  if (!id || !PLAYLIST_ID.test(id)) {
    throw new ConfigError(`not a YouTube playlist: ${JSON.stringify(input)}`, 'pass a playlist id (PL…) or a URL containing list=…');
  }
  return { kind: 'playlist', id };
}

/** A channel from `UC…`, `@handle`, `/channel/UC…` or `/@handle` URLs. */
export function parseChannel(input: string): Target {
  const s = input.trim();
  const url = asUrl(s);
  let part = s;
  if (url) {
    try {
      part = decodeURIComponent(url.pathname.match(/^\/(?:channel\/)?(@?[^/]+)/)?.[1] ?? '');
    } catch {
      part = '';
    }
  }
  if (CHANNEL_ID.test(part)) return { kind: 'channel', id: part };
  if (HANDLE.test(part)) return { kind: 'channel', handle: part };
  if (!url && /^[A-Za-z0-9._-]{3,30}$/.test(part) && !part.startsWith('UC')) return { kind: 'channel', handle: `@${part}` };
  throw new ConfigError(`not a YouTube channel: ${JSON.stringify(input)}`, 'pass a channel id (UC… , 24 characters), a handle (@name) or a channel URL');
}

export function targetLabel(t: Target): string {
  if (t.kind === 'channel') return `channel ${t.id ?? t.handle}`;
  return `${t.kind} ${t.id}`;
}

/** The canonical form of a target: `playlist:ID`, `channel:UC…`, `channel:@handle`, `video:ID`. */
export function targetKey(t: Target): string {
  return t.kind === 'channel' ? `channel:${t.id ?? t.handle}` : `${t.kind}:${t.id}`;
}

/**
 * A target in any form `run` accepts, without saying which kind: a canonical key (`playlist:…`),
 * a URL (`list=` → playlist; `watch?v=`, `youtu.be/`, `/shorts/` → video; `/channel/`, `/@` →
 * channel), `UC…` or `@handle` (channel), an 11-character id (video), else a playlist id (PL…, UU…).
 */
export function parseTarget(input: string): Target {
  const s = input.trim();
  const prefixed = s.match(/^(playlist|channel|video):(.+)$/);
  if (prefixed) return ({ playlist: parsePlaylist, channel: parseChannel, video: parseVideo })[prefixed[1] as 'video'](prefixed[2]!);
  const url = asUrl(s);
  if (url) {
    if (url.searchParams.get('list') && !url.searchParams.get('v')) return parsePlaylist(s);
    if (/^\/(channel\/|@|c\/|user\/)/.test(url.pathname)) return parseChannel(s);
    return parseVideo(s);
  }
  if (CHANNEL_ID.test(s) || s.startsWith('@')) return parseChannel(s);
  if (VIDEO_ID.test(s)) return parseVideo(s);
  if (/^(PL|UU|OL|FL|LL|RD)[A-Za-z0-9_-]{8,}$/.test(s)) return parsePlaylist(s);
  throw new ConfigError(`not a YouTube playlist, channel or video: ${JSON.stringify(input.slice(0, 100))}`, 'pass a URL, a playlist id (PL…), a channel id (UC…) or @handle, or an 11-character video id');
}
