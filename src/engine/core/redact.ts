/**
 * Replaces every occurrence of `secret` in `text` with `***`: raw, and percent-encoded in any mix
 * (`%2F` or `%2f`, each byte of its UTF-8 form, `+` for a space), as it appears in a URL's query or path.
 * An empty secret changes nothing.
 */
export function redactSecret(text: string, secret: string | undefined): string {
  if (!secret) return text;
  return text.replace(secretPattern(secret), '***');
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function secretPattern(secret: string): RegExp {
  const parts = Array.from(secret, (ch) => {
    const bytes = Array.from(Buffer.from(ch, 'utf8'), (b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    const alts = [escapeRe(ch), bytes.replace(/%([0-9a-f])([0-9a-f])/g, (_m, h: string, l: string) => `%[${h}${h.toUpperCase()}][${l}${l.toUpperCase()}]`)];
    if (ch === ' ') alts.push('\\+');
    return `(?:${alts.join('|')})`;
  });
  return new RegExp(parts.join(''), 'g');
}
