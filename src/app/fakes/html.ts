/**
 * Telegram's message-formatting parsers, as the fake Bot API needs them: they turn `HTML`,
 * `MarkdownV2` or legacy `Markdown` text into plain text plus entities, and reject what Telegram
 * rejects with an {@link EntityParseError} whose message is the detail after
 * "Bad Request: can't parse entities: ". Offsets in entities are UTF-16 code units, like the Bot
 * API's; offsets in error messages are UTF-8 bytes, like Telegram's.
 */

/** A formatting span in the parsed text (a subset of the Bot API's MessageEntity). */
export interface TextEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
}

/** Plain text after entity parsing, with its entities ordered by offset. */
export interface ParsedText {
  text: string;
  entities: TextEntity[];
}

/** The text could not be parsed; `message` is Telegram's detail text. */
export class EntityParseError extends Error {
  override name = 'EntityParseError';
}

const HTML_TAGS: Record<string, string> = {
  b: 'bold', strong: 'bold', i: 'italic', em: 'italic', u: 'underline', ins: 'underline',
  s: 'strikethrough', strike: 'strikethrough', del: 'strikethrough', a: 'text_link', code: 'code',
  pre: 'pre', 'tg-spoiler': 'spoiler', span: 'spoiler', blockquote: 'blockquote',
};
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };
const ENTITY_RE = /^&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,7}));/;

function byteOffset(text: string, index: number): number {
  return Buffer.byteLength(text.slice(0, index));
}

/** Decodes the HTML entity at `text[i]` (which is `&`); `undefined` if there is no valid one. */
function decodeEntity(text: string, i: number): { char: string; end: number } | undefined {
  const m = ENTITY_RE.exec(text.slice(i, i + 12));
  if (!m) return undefined;
  let char: string | undefined;
  if (m[1] !== undefined) char = NAMED_ENTITIES[m[1]];
  else {
    const code = m[2] !== undefined ? Number.parseInt(m[2], 10) : Number.parseInt(m[3] ?? '', 16);
    const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
    char = valid ? String.fromCodePoint(code) : undefined;
  }
  return char === undefined ? undefined : { char, end: i + m[0].length };
}

function sortEntities(entities: TextEntity[]): TextEntity[] {
  return entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
}

interface OpenTag {
  tag: string;
  offset: number;
  attrs: Map<string, string>;
}

/** Reads a start tag's attributes from `text[i]` up to `>`; returns them and the index after `>`. */
function readAttributes(text: string, i: number, tag: string, at: number): [Map<string, string>, number] {
  const attrs = new Map<string, string>();
  const unclosed = (): EntityParseError => new EntityParseError(`Unclosed start tag at byte offset ${at}`);
  for (;;) {
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
    if (i >= text.length) throw unclosed();
    if (text[i] === '>') return [attrs, i + 1];
    const nameStart = i;
    while (i < text.length && /[A-Za-z0-9_-]/.test(text[i] ?? '')) i++;
    const name = text.slice(nameStart, i).toLowerCase();
    if (name === '') {
      throw new EntityParseError(`Empty attribute name in the tag "${tag}" at byte offset ${byteOffset(text, i)}`);
    }
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
    if (text[i] !== '=') {
      attrs.set(name, '');
      continue;
    }
    i++;
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
    const quote = text[i];
    let raw: string;
    if (quote === '"' || quote === "'") {
      const end = text.indexOf(quote, i + 1);
      if (end < 0) throw unclosed();
      raw = text.slice(i + 1, end);
      i = end + 1;
    } else {
      const start = i;
      while (i < text.length && !/[\s>]/.test(text[i] ?? '')) i++;
      raw = text.slice(start, i);
    }
    attrs.set(name, raw.replace(/&[^;&\s]{1,10};/g, (e) => decodeEntity(e, 0)?.char ?? e));
  }
}

function htmlEntity(open: OpenTag, length: number): TextEntity | undefined {
  const type = HTML_TAGS[open.tag] ?? 'bold';
  const entity: TextEntity = { type, offset: open.offset, length };
  if (type === 'text_link') {
    const href = open.attrs.get('href');
    if (!href) return undefined;
    entity.url = href;
  }
  if (type === 'blockquote' && open.attrs.has('expandable')) entity.type = 'expandable_blockquote';
  const language = open.attrs.get('language');
  if (type === 'pre' && language) entity.language = language;
  return entity;
}

/**
 * Parses Bot API HTML. Stricter than Telegram on one point, following the documented rule rather
 * than the server's leniency: a `&` that does not start a valid entity is an error. A bare `>` is
 * accepted, as Telegram does.
 */
export function parseHtml(text: string): ParsedText {
  let out = '';
  const stack: OpenTag[] = [];
  const entities: TextEntity[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === '&') {
      const decoded = decodeEntity(text, i);
      if (!decoded) {
        throw new EntityParseError(
          `Character '&' must be escaped as "&amp;" at byte offset ${byteOffset(text, i)}`,
        );
      }
      out += decoded.char;
      i = decoded.end;
    } else if (c === '<') {
      const at = byteOffset(text, i);
      const closing = text[i + 1] === '/';
      let j = closing ? i + 2 : i + 1;
      const nameStart = j;
      while (j < text.length && /[A-Za-z0-9-]/.test(text[j] ?? '')) j++;
      const tag = text.slice(nameStart, j).toLowerCase();
      if (closing) {
        while (j < text.length && /\s/.test(text[j] ?? '')) j++;
        if (text[j] !== '>') throw new EntityParseError(`Unclosed end tag at byte offset ${at}`);
        const open = stack.pop();
        if (!open) throw new EntityParseError(`Unexpected end tag at byte offset ${at}`);
        if (open.tag !== tag) {
          throw new EntityParseError(
            `Unmatched end tag at byte offset ${at}, expected "</${open.tag}>", found "</${tag}>"`,
          );
        }
        const entity = out.length > open.offset ? htmlEntity(open, out.length - open.offset) : undefined;
        if (entity) entities.push(entity);
        i = j + 1;
      } else {
        if (!Object.hasOwn(HTML_TAGS, tag)) {
          throw new EntityParseError(`Unsupported start tag "${tag}" at byte offset ${at}`);
        }
        const [attrs, next] = readAttributes(text, j, tag, at);
        if (tag === 'span' && attrs.get('class') !== 'tg-spoiler') {
          throw new EntityParseError(`Tag "span" must have class "tg-spoiler" at byte offset ${at}`);
        }
        const parent = stack[stack.length - 1];
        const language = attrs.get('class')?.match(/^language-(.+)$/)?.[1];
        if (tag === 'code' && parent?.tag === 'pre' && language) parent.attrs.set('language', language);
        stack.push({ tag, offset: out.length, attrs });
        i = next;
      }
    } else {
      out += c;
      i++;
    }
  }
  const open = stack[stack.length - 1];
  if (open) throw new EntityParseError(`Can't find end tag corresponding to start tag "${open.tag}"`);
  return { text: out, entities: sortEntities(entities) };
}

const MD2_RESERVED = '_*[]()~`>#+-=|{}.!';
const MD2_NAMES: Record<string, string> = {
  bold: 'Bold', italic: 'Italic', underline: 'Underline', strikethrough: 'Strikethrough',
  spoiler: 'Spoiler', code: 'Code', pre: 'Pre', text_link: 'TextUrl',
};
const MD2_OPENERS: Array<[string, string]> = [
  ['```', 'pre'], ['__', 'underline'], ['||', 'spoiler'], ['_', 'italic'], ['*', 'bold'],
  ['~', 'strikethrough'], ['`', 'code'], ['[', 'text_link'],
];
const MD2_CLOSERS: Record<string, string> = {
  bold: '*', italic: '_', underline: '__', strikethrough: '~', spoiler: '||', code: '`', pre: '```',
  text_link: ']',
};

interface OpenMarkdown {
  type: string;
  offset: number;
  at: number;
  start: number;
  language?: string;
}

/** Reads an inline URL `(...)` starting at `text[i]`; `)` and `\` inside must be escaped. */
function readMarkdownUrl(text: string, i: number): { url: string; end: number } {
  let url = '';
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j] ?? '';
    if (c === ')') return { url, end: j + 1 };
    if (c === '\\' && j + 1 < text.length) j++;
    url += text[j] ?? '';
  }
  throw new EntityParseError(`Can't find end of a URL at byte offset ${byteOffset(text, i + 1)}`);
}

/**
 * Parses MarkdownV2: `*bold*`, `_italic_`, `__underline__`, `~strike~`, `||spoiler||`, `` `code` ``,
 * ```` ```pre``` ````, `[text](url)`. Any other reserved character outside code must be escaped with
 * `\`. Block quotes (`>`) are not supported and count as an unescaped reserved character.
 */
export function parseMarkdownV2(text: string): ParsedText {
  let out = '';
  const stack: OpenMarkdown[] = [];
  const entities: TextEntity[] = [];
  const close = (open: OpenMarkdown, url?: string): void => {
    stack.pop();
    if (out.length === open.offset) return;
    const entity: TextEntity = { type: open.type, offset: open.offset, length: out.length - open.offset };
    if (url !== undefined) entity.url = url;
    if (open.language) entity.language = open.language;
    entities.push(entity);
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    const next = text.charCodeAt(i + 1);
    if (c === '\\' && next > 0 && next <= 126) {
      out += text[i + 1];
      i += 2;
      continue;
    }
    const top = stack[stack.length - 1];
    const closer = top ? MD2_CLOSERS[top.type] : undefined;
    if (top && closer && text.startsWith(closer, i)) {
      if (top.type === 'text_link') {
        const link = text[i + 1] === '(' ? readMarkdownUrl(text, i + 1) : undefined;
        close(top, link?.url ?? text.slice(top.start, i));
        i = link?.end ?? i + 1;
      } else {
        close(top);
        i += closer.length;
      }
      continue;
    }
    if (top?.type === 'code' || top?.type === 'pre' || !MD2_RESERVED.includes(c)) {
      out += c;
      i++;
      continue;
    }
    const opener = MD2_OPENERS.find(([marker]) => text.startsWith(marker, i));
    if (!opener) {
      throw new EntityParseError(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
    }
    const open: OpenMarkdown = { type: opener[1], offset: out.length, at: byteOffset(text, i), start: 0 };
    i += opener[0].length;
    if (open.type === 'pre') {
      const lang = /^([A-Za-z0-9_+#.-]+)\n/.exec(text.slice(i));
      if (lang) {
        open.language = lang[1];
        i += lang[0].length;
      }
    }
    open.start = i;
    stack.push(open);
  }
  const open = stack[stack.length - 1];
  if (open) throw new EntityParseError(`Can't find end of ${MD2_NAMES[open.type]} entity at byte offset ${open.at}`);
  return { text: out, entities: sortEntities(entities) };
}

/** Parses legacy `Markdown`: `*bold*`, `_italic_`, `` `code` ``, ```` ```pre``` ````, `[text](url)`. */
export function parseMarkdown(text: string): ParsedText {
  let out = '';
  const entities: TextEntity[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === '\\' && '_*`['.includes(text[i + 1] ?? ' ')) {
      out += text[i + 1];
      i += 2;
      continue;
    }
    if (!'_*`['.includes(c)) {
      out += c;
      i++;
      continue;
    }
    const unclosed = new EntityParseError(
      `Can't find end of the entity starting at byte offset ${byteOffset(text, i)}`,
    );
    const marker = text.startsWith('```', i) ? '```' : c === '[' ? ']' : c;
    const start = i + (marker === '```' ? 3 : 1);
    const end = text.indexOf(marker, start);
    if (end < 0) throw unclosed;
    const entity: TextEntity = { type: 'bold', offset: out.length, length: end - start };
    out += text.slice(start, end);
    i = end + marker.length;
    if (marker === '```') entity.type = 'pre';
    else if (c === '_') entity.type = 'italic';
    else if (c === '`') entity.type = 'code';
    else if (c === '[') {
      const urlEnd = text[i] === '(' ? text.indexOf(')', i) : -1;
      if (urlEnd < 0) throw unclosed;
      entity.type = 'text_link';
      entity.url = text.slice(i + 1, urlEnd);
      i = urlEnd + 1;
    }
    if (entity.length > 0) entities.push(entity);
  }
  return { text: out, entities };
}

/** The parse modes {@link parseFormatted} understands, keyed by their lower-case name. */
const PARSERS: Record<string, (text: string) => ParsedText> = {
  html: parseHtml,
  markdownv2: parseMarkdownV2,
  markdown: parseMarkdown,
};

/** True if Telegram accepts this `parse_mode` (case-insensitive; empty means plain text). */
export function isParseMode(mode: string | undefined): boolean {
  return !mode || Object.hasOwn(PARSERS, mode.toLowerCase());
}

/** Parses `text` in `mode`; plain text when `mode` is empty. Throws {@link EntityParseError}. */
export function parseFormatted(text: string, mode?: string): ParsedText {
  const parser = mode && isParseMode(mode) ? PARSERS[mode.toLowerCase()] : undefined;
  return parser ? parser(text) : { text, entities: [] };
}
