import type { Alert, Metric } from '../core/events.js';
import { videoUrl } from '../core/video.js';

const LABEL: Record<Metric, { icon: string; name: string }> = {
  views: { icon: '👁', name: 'Views' },
  likes: { icon: '👍', name: 'Likes' },
  comments: { icon: '💬', name: 'Comments' },
};

/** Escapes text for Telegram's HTML parse mode (`<`, `>`, `&`, and `"` inside attributes). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export { videoUrl };

/**
 * The longest title put in an alert, in characters (YouTube allows 100): a longer one is cut with
 * "…" before escaping, so a message never exceeds Telegram's limit and no tag or entity is cut.
 */
export const MAX_TITLE = 300;

/** `title` cut to {@link MAX_TITLE} characters (whole code points) with "…". */
export function shortTitle(title: string): string {
  const chars = Array.from(title);
  return chars.length <= MAX_TITLE ? title : `${chars.slice(0, MAX_TITLE - 1).join('')}…`;
}

/**
 * Removes what could drive a terminal: C0 controls (but tab and newline), DEL, C1 controls and
 * the bidirectional overrides. For text printed on a console.
 */
export function stripControl(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '');
}

const num = (n: number | null) => (n === null ? '?' : n.toLocaleString('en-US'));

function deltaText(a: Alert): string {
  if (a.previous === null || a.current === null) return '';
  const d = a.current - a.previous;
  return ` (${d >= 0 ? '+' : '−'}${Math.abs(d).toLocaleString('en-US')})`;
}

function ruleNote(a: Alert): string {
  const notes = a.rules.flatMap((r) => {
    const [kind, value] = r.split(':');
    if (kind === 'milestone') return [`reached ${Number(value).toLocaleString('en-US')}`];
    if (kind === 'every' && a.previous !== null && a.current !== null) {
      const step = Number(value);
      const mark = a.current > a.previous ? Math.floor(a.current / step) * step : Math.floor(a.previous / step) * step;
      return [`${a.current > a.previous ? 'passed' : 'fell below'} ${mark.toLocaleString('en-US')}`];
    }
    if (kind === 'percent' && a.previous) return [`${(((a.current! - a.previous) / a.previous) * 100).toFixed(1)}%`];
    return [];
  });
  return notes.length ? ` — ${notes.join(', ')}` : '';
}

/** One alert in Telegram HTML: metric, previous → current, delta, and the linked title. */
export function alertHtml(a: Alert): string {
  const link = `<a href="${escapeHtml(videoUrl(a.videoId))}">${escapeHtml(shortTitle(a.title))}</a>`;
  if (a.kind === 'new') return `🆕 <b>New video</b>: ${link}`;
  if (a.kind === 'unavailable' || !a.metric) return `⚠️ ${link} is no longer available on YouTube (deleted or made private)`;
  const l = LABEL[a.metric];
  return `${l.icon} <b>${l.name}</b> changed: ${num(a.previous)} → ${num(a.current)}${deltaText(a)}${escapeHtml(ruleNote(a))}\n${link}`;
}

/** One alert as plain text (console, webhook `text`, Telegram fallback). */
export function alertText(a: Alert): string {
  const title = shortTitle(a.title);
  if (a.kind === 'new') return `🆕 New video: "${title}" ${videoUrl(a.videoId)}`;
  if (a.kind === 'unavailable' || !a.metric) return `⚠️ "${title}" is no longer available on YouTube (deleted or made private) ${videoUrl(a.videoId)}`;
  const l = LABEL[a.metric];
  return `${l.icon} ${l.name} changed: ${num(a.previous)} → ${num(a.current)}${deltaText(a)}${ruleNote(a)} — "${title}" ${videoUrl(a.videoId)}`;
}

/**
 * Packs formatted alerts into messages of at most `limit` characters, in order; an alert that alone
 * exceeds the limit is shortened (never dropped).
 */
export function pack<T>(items: T[], render: (item: T) => string, limit = 4096, separator = '\n\n'): Array<{ items: T[]; text: string }> {
  const out: Array<{ items: T[]; text: string }> = [];
  let cur: { items: T[]; text: string } | undefined;
  for (const item of items) {
    let text = render(item);
    if (text.length > limit) text = `${text.slice(0, limit - 1)}…`;
    if (cur && cur.text.length + separator.length + text.length <= limit) {
      cur.items.push(item);
      cur.text += separator + text;
    } else {
      cur = { items: [item], text };
      out.push(cur);
    }
  }
  return out;
}
