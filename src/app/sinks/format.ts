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
  const link = `<a href="${escapeHtml(videoUrl(a.videoId))}">${escapeHtml(a.title)}</a>`;
  if (a.kind === 'unavailable' || !a.metric) return `⚠️ ${link} is no longer available on YouTube (deleted or made private)`;
  const l = LABEL[a.metric];
  return `${l.icon} <b>${l.name}</b> changed: ${num(a.previous)} → ${num(a.current)}${deltaText(a)}${escapeHtml(ruleNote(a))}\n${link}`;
}

/** One alert as plain text (console, webhook `text`, Telegram fallback). */
export function alertText(a: Alert): string {
  if (a.kind === 'unavailable' || !a.metric) return `⚠️ "${a.title}" is no longer available on YouTube (deleted or made private) ${videoUrl(a.videoId)}`;
  const l = LABEL[a.metric];
  return `${l.icon} ${l.name} changed: ${num(a.previous)} → ${num(a.current)}${deltaText(a)}${ruleNote(a)} — "${a.title}" ${videoUrl(a.videoId)}`;
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
