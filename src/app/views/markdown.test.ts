// The model cards' Markdown subset (markdown.ts): hand-written documents with their expected trees, the shipped
// cards themselves (every table row as wide as its header, the anchor curves inside <details>), and the URL
// policy that keeps a card from pointing the page anywhere but the served packages.
import { readFileSync } from 'node:fs';
import { packageNames } from '../../testing/models';
import { describe, expect, it } from 'vitest';
import { cardTarget, parseInline, parseMarkdown, type Block, type Inline } from './markdown';

const text = (t: string): Inline => ({ t: 'text', text: t });

/** All the plain text of a tree, in order (for checks that do not care about the markup). */
function plain(nodes: Inline[]): string {
  return nodes.map((n) => (n.t === 'text' || n.t === 'code' ? n.text : n.t === 'image' ? n.alt : plain(n.children))).join('');
}

describe('parseInline', () => {
  it('reads code, strong, links and images, and leaves the rest as text', () => {
    expect(parseInline('a `x|y` **b `c`** [d](e.md) ![f](g.png) [--lr B] 2*3')).toEqual([
      text('a '),
      { t: 'code', text: 'x|y' },
      text(' '),
      { t: 'strong', children: [text('b '), { t: 'code', text: 'c' }] },
      text(' '),
      { t: 'link', href: 'e.md', children: [text('d')] },
      text(' '),
      { t: 'image', src: 'g.png', alt: 'f' },
      text(' [--lr B] 2*3'),
    ]);
  });
  it('keeps unclosed markers and HTML as text', () => {
    expect(parseInline('`open **open <script>x</script>')).toEqual([text('`open **open <script>x</script>')]);
    expect(parseInline('a\\*\\*b\\*\\* c')).toEqual([text('a**b** c')]);
  });
});

describe('parseMarkdown', () => {
  it('builds headings, paragraphs, lists, tables and details', () => {
    const doc = [
      '# Title `x`',
      'line one',
      'line two',
      '',
      '- item **1**',
      '  continued',
      '- item 2',
      '',
      '| t | bpp |',
      '|---|---:|',
      '| 0.0 | 0.12 |',
      '| 1.0 |',
      '',
      '<details><summary>More</summary>',
      '',
      '## Inner',
      'text',
      '</details>',
      'after',
    ].join('\r\n');
    const want: Block[] = [
      { t: 'heading', level: 1, children: [text('Title '), { t: 'code', text: 'x' }] },
      { t: 'para', children: [text('line one line two')] },
      { t: 'list', items: [[text('item '), { t: 'strong', children: [text('1')] }, text(' continued')], [text('item 2')]] },
      { t: 'table', head: [[text('t')], [text('bpp')]], rows: [[[text('0.0')], [text('0.12')]], [[text('1.0')], []]] },
      { t: 'details', summary: [text('More')], blocks: [{ t: 'heading', level: 2, children: [text('Inner')] }, { t: 'para', children: [text('text')] }] },
      { t: 'para', children: [text('after')] },
    ];
    expect(parseMarkdown(doc)).toEqual(want);
  });
  it('reads a pipe line without a separator row as a paragraph, and an unclosed details to the end', () => {
    expect(parseMarkdown('| a | b |\nnext')).toEqual([{ t: 'para', children: [text('| a | b | next')] }]);
    expect(parseMarkdown('<details><summary>S</summary>\nx')).toEqual([{ t: 'details', summary: [text('S')], blocks: [{ t: 'para', children: [text('x')] }] }]);
  });

  const models = packageNames('codec'); // shared packages (kind "shared") hold tensors only, no card
  it.each(models)('parses the shipped %s card: its tables match the manifest', (name) => {
    const dir = new URL(`../../../public/models/${name}/`, import.meta.url);
    const blocks = parseMarkdown(readFileSync(new URL('README.md', dir), 'utf8'));
    const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8'));
    expect(blocks[0].t).toBe('heading');
    expect(plain((blocks[0] as { children: Inline[] }).children)).toBe(`${name} — RD Lab model card`);
    const tables = blocks.filter((b): b is Extract<Block, { t: 'table' }> => b.t === 'table');
    const rd = tables.find((tb) => plain(tb.head[0]) === 't' && plain(tb.head[1]) === 'bpp');
    expect(rd).toBeDefined();
    // The validation table: one row per rate point, the same bpp as the manifest (4 decimals).
    const bpp = manifest.validation.results.bpp as number[];
    expect(rd!.rows.length).toBe(bpp.length);
    rd!.rows.forEach((r, i) => expect(Math.abs(Number(plain(r[1])) - bpp[i])).toBeLessThanOrEqual(0.00006));
    for (const tb of tables) for (const r of tb.rows) expect(r.length).toBe(tb.head.length);
    // The anchor curves sit inside a details block; the training plot is an image next to the card.
    const det = blocks.find((b) => b.t === 'details');
    expect(det && det.t === 'details' && det.blocks.some((b) => b.t === 'table')).toBe(true);
    const images = JSON.stringify(blocks).match(/"t":"image","src":"([^"]+)"/g) ?? [];
    expect(images).toEqual(['"t":"image","src":"training.png"']);
  });
});

describe('cardTarget', () => {
  const base = 'https://rdlab.test/app/models/';
  const card = `${base}mean-scale/README.md`;
  it('resolves package files, allows https links, and turns everything else into text', () => {
    expect(cardTarget('training.png', card, base, 'image')).toBe(`${base}mean-scale/training.png`);
    expect(cardTarget('../factorized/README.md', card, base, 'link')).toBe(`${base}factorized/README.md`);
    expect(cardTarget('../../../docs/model-package.md', card, base, 'link')).toBeNull(); // a repository path
    expect(cardTarget('https://arxiv.org/abs/1802.01436', card, base, 'link')).toBe('https://arxiv.org/abs/1802.01436');
    expect(cardTarget('https://evil.test/x.png', card, base, 'image')).toBeNull(); // no fetches elsewhere
    expect(cardTarget('http://plain.test/', card, base, 'link')).toBeNull();
    expect(cardTarget('javascript:alert(1)', card, base, 'link')).toBeNull();
    expect(cardTarget('/app/models/../index.html', card, base, 'link')).toBeNull();
    expect(cardTarget('//evil.test/models/', card, base, 'link')).toBeNull(); // protocol-relative: not "https:" as written
  });
});
