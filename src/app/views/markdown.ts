// The small Markdown subset that tools/train/eval.py writes into the model cards (public/models/*/README.md),
// parsed into a tree that ModelCard.tsx renders as React elements: nothing here becomes HTML markup, so a card
// can never inject script or style. Supported: ATX headings, paragraphs, "- " lists, pipe tables,
// <details><summary>…</summary> … </details> blocks, and inline `code`, **strong**, [links](url) and
// ![images](url). Anything else is kept as plain text.

export type Inline =
  | { t: 'text'; text: string }
  | { t: 'code'; text: string }
  | { t: 'strong'; children: Inline[] }
  | { t: 'link'; href: string; children: Inline[] }
  | { t: 'image'; src: string; alt: string };

export type Block =
  | { t: 'heading'; level: number; children: Inline[] }
  | { t: 'para'; children: Inline[] }
  | { t: 'list'; items: Inline[][] }
  | { t: 'table'; head: Inline[][]; rows: Inline[][][] }
  | { t: 'details'; summary: Inline[]; blocks: Block[] };

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const ITEM = /^[-*]\s+(.*)$/;
const TABLE_SEP = /^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
const DETAILS_OPEN = /^<details>\s*<summary>(.*?)<\/summary>\s*$/i;
const DETAILS_CLOSE = /^<\/details>\s*$/i;

/** Splits a table row into cells at pipes outside code spans; a leading and a trailing pipe are optional. */
function cells(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  const out: string[] = [];
  let cur = '';
  let inCode = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && s[i + 1] === '|') {
      cur += '|';
      i++;
    } else if (c === '`') {
      inCode = !inCode;
      cur += c;
    } else if (c === '|' && !inCode) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

/** Inline spans of one paragraph, heading, list item or cell. */
export function parseInline(src: string): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push({ t: 'text', text });
    text = '';
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end > i) {
        flush();
        out.push({ t: 'code', text: src.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    } else if (c === '*' && src[i + 1] === '*') {
      const end = src.indexOf('**', i + 2);
      if (end > i + 2) {
        flush();
        out.push({ t: 'strong', children: parseInline(src.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    } else if (c === '[' || (c === '!' && src[i + 1] === '[')) {
      const m = /^(!?)\[([^\]]*)\]\(([^)\s]*)\)/.exec(src.slice(i));
      if (m) {
        flush();
        out.push(m[1] ? { t: 'image', src: m[3], alt: m[2] } : { t: 'link', href: m[3], children: parseInline(m[2]) });
        i += m[0].length;
        continue;
      }
    } else if (c === '\\' && i + 1 < src.length && /[\\`*[\]()!|_#-]/.test(src[i + 1])) {
      text += src[i + 1];
      i += 2;
      continue;
    }
    text += c;
    i++;
  }
  flush();
  return out;
}

/** Parses lines [from, to) into blocks; returns the blocks and the index after the last line consumed. */
function parseBlocks(lines: string[], from: number, nested: boolean): { blocks: Block[]; next: number } {
  const blocks: Block[] = [];
  let i = from;
  const startsBlock = (l: string) => HEADING.test(l) || ITEM.test(l) || l.trim().startsWith('|') || DETAILS_OPEN.test(l.trim()) || DETAILS_CLOSE.test(l.trim());
  while (i < lines.length) {
    const line = lines[i];
    const trimmed = line.trim();
    if (!trimmed) {
      i++;
      continue;
    }
    if (DETAILS_CLOSE.test(trimmed)) {
      if (nested) return { blocks, next: i + 1 };
      i++; // a stray closing tag: dropped
      continue;
    }
    const det = DETAILS_OPEN.exec(trimmed);
    if (det) {
      const inner = parseBlocks(lines, i + 1, true);
      blocks.push({ t: 'details', summary: parseInline(det[1]), blocks: inner.blocks });
      i = inner.next;
      continue;
    }
    const h = HEADING.exec(trimmed);
    if (h) {
      blocks.push({ t: 'heading', level: h[1].length, children: parseInline(h[2]) });
      i++;
      continue;
    }
    if (trimmed.startsWith('|') && i + 1 < lines.length && TABLE_SEP.test(lines[i + 1].trim())) {
      const head = cells(trimmed).map(parseInline);
      const rows: Inline[][][] = [];
      i += 2;
      while (i < lines.length && lines[i].trim().startsWith('|')) {
        const row = cells(lines[i]).map(parseInline);
        while (row.length < head.length) row.push([]);
        rows.push(row.slice(0, head.length));
        i++;
      }
      blocks.push({ t: 'table', head, rows });
      continue;
    }
    if (ITEM.test(trimmed)) {
      const items: string[] = [];
      while (i < lines.length && lines[i].trim()) {
        const m = ITEM.exec(lines[i].trim());
        if (m) items.push(m[1]);
        else if (/^\s/.test(lines[i]) && items.length) items[items.length - 1] += ` ${lines[i].trim()}`;
        else break;
        i++;
      }
      blocks.push({ t: 'list', items: items.map(parseInline) });
      continue;
    }
    const para: string[] = [trimmed];
    i++;
    while (i < lines.length && lines[i].trim() && !startsBlock(lines[i])) para.push(lines[i++].trim());
    blocks.push({ t: 'para', children: parseInline(para.join(' ')) });
  }
  return { blocks, next: i };
}

/** The block tree of a Markdown document (any string; nothing is trusted). */
export function parseMarkdown(src: string): Block[] {
  return parseBlocks(src.replace(/\r\n?/g, '\n').split('\n'), 0, false).blocks;
}

/** Where a card's link or image may point once resolved against the card's URL: a file of the served model
 * packages or an https page (opened in a new tab by the visitor's click) — or, for anything else (a path into
 * the repository that the site does not serve, another scheme), null: shown as text. Images must be served
 * model-package files (a card never makes the page fetch from elsewhere). */
export function cardTarget(href: string, cardUrl: string, modelsBase: string, kind: 'link' | 'image'): string | null {
  let url: URL;
  try {
    url = new URL(href, cardUrl);
  } catch {
    return null;
  }
  if (url.href.startsWith(modelsBase)) return url.href;
  if (kind === 'link' && url.protocol === 'https:' && /^https?:/i.test(href)) return url.href;
  return null;
}
