// Contrast of both themes, computed from the palette values with WCAG 2.x's own definitions (relative luminance of
// sRGB, (L1 + 0.05) / (L2 + 0.05)), written out here rather than taken from the code under test. Text needs 4.5:1
// (1.4.3, AA), focus rings, curves and marks 3:1 (1.4.11). "The same contrast as the dark theme": each text pair of
// the light theme reaches at least the dark theme's ratio, capped at 7:1 (AAA), which both then reach.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CODECS } from '../codecs/registry';
import { codecColor } from './views/format';
import { CURVE_COLORS, PALETTES, SCHEMES, cssVarName, themeCss, type Palette, type Scheme } from './palette';

type Rgba = [number, number, number, number];

function parse(c: string): Rgba {
  const hex = /^#([0-9a-f]{6})$/i.exec(c);
  if (hex) {
    const n = parseInt(hex[1], 16);
    return [n >> 16, (n >> 8) & 255, n & 255, 1];
  }
  const rgba = /^rgba?\(\s*([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\s*\)$/.exec(c);
  if (rgba) return [Number(rgba[1]), Number(rgba[2]), Number(rgba[3]), rgba[4] === undefined ? 1 : Number(rgba[4])];
  throw new Error(`unparsed colour ${c}`);
}

/** `top` drawn over the opaque `under` (source-over in sRGB, as browsers composite). */
function over(top: string, under: string): string {
  const [r, g, b, a] = parse(top);
  const [R, G, B, A] = parse(under);
  if (A !== 1) throw new Error(`${under} is not opaque`);
  const mix = (x: number, y: number) => Math.round(a * x + (1 - a) * y);
  return '#' + [mix(r, R), mix(g, G), mix(b, B)].map((v) => v.toString(16).padStart(2, '0')).join('');
}

/** Linear-light R, G, B of an opaque sRGB colour (the sRGB transfer function, as WCAG and CIE Lab both use it). */
function linearRgb(c: string): [number, number, number] {
  const [r, g, b, a] = parse(c);
  if (a !== 1) throw new Error(`${c} is translucent: composite it first`);
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return [lin(r), lin(g), lin(b)];
}

/** WCAG 2.x relative luminance. */
function luminance(c: string): number {
  const [r, g, b] = linearRgb(c);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe('the WCAG formula (known answers)', () => {
  it('gives 21:1 for black on white, 1:1 for equal colours and the published ratio of #767676 on white', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 6);
    expect(contrast('#777777', '#777777')).toBe(1);
    expect(contrast('#767676', '#ffffff')).toBeCloseTo(4.54, 2); // the lightest grey that passes AA on white
    expect(contrast('#ffffff', '#767676')).toBe(contrast('#767676', '#ffffff'));
  });
  it('composites a translucent colour over an opaque one', () => {
    expect(over('rgba(0, 0, 0, 0.5)', '#ffffff')).toBe('#808080');
    expect(over('#123456', '#ffffff')).toBe('#123456');
  });
});

interface Pair {
  what: string;
  fg: string;
  bg: string;
}

/** Every text colour on every surface it is drawn on. Translucent surfaces are composited over what is under
 * them: the side tags and zoom bar over the image (worst cases: black, white) and the checkerboard, the tooltip
 * over the chart, a selected codec chip (its colour at 14 %) over the RD panel. */
function textPairs(scheme: Scheme): Pair[] {
  const p: Palette = PALETTES[scheme];
  const pairs: Pair[] = [];
  const surfaces: Record<string, string> = { bg: p.bg, panel: p.panel, panel2: p.panel2 };
  for (const fg of ['text', 'muted', 'accent', 'warn', 'danger', 'good'] as const) {
    for (const [name, bg] of Object.entries(surfaces)) pairs.push({ what: `${fg} on ${name}`, fg: p[fg], bg });
  }
  pairs.push({ what: 'accentInk on accent (primary buttons, pressed Bits)', fg: p.accentInk, bg: p.accent });
  pairs.push({ what: 'noticeText on noticeBg (truncated-JPEG warning)', fg: p.noticeText, bg: p.noticeBg });
  for (const [name, under] of Object.entries({ black: '#000000', white: '#ffffff', checkA: p.checkA, checkB: p.checkB })) {
    const surface = over(p.overlay, under);
    for (const fg of ['text', 'muted', 'accent', 'danger'] as const) pairs.push({ what: `${fg} on overlay over ${name}`, fg: p[fg], bg: surface });
  }
  for (const fg of ['text', 'muted'] as const) pairs.push({ what: `${fg} on tooltip over panel`, fg: p[fg], bg: over(p.tooltip, p.panel) });
  const curves = CURVE_COLORS[scheme];
  for (const [i, c] of [...Object.values(curves.fixed), ...curves.extra].entries()) {
    const [r, g, b] = parse(c);
    pairs.push({ what: `text on selected chip ${i}`, fg: p.text, bg: over(`rgba(${r}, ${g}, ${b}, 0.14)`, p.bg) });
  }
  return pairs;
}

/** Non-text marks that must be told from what is beside them (3:1). */
function markPairs(scheme: Scheme): Pair[] {
  const p = PALETTES[scheme];
  const pairs: Pair[] = [];
  for (const [name, bg] of Object.entries({ bg: p.bg, panel: p.panel, panel2: p.panel2, checkA: p.checkA, checkB: p.checkB })) {
    pairs.push({ what: `focus ring (accent) on ${name}`, fg: p.accent, bg });
  }
  const c = CURVE_COLORS[scheme];
  for (const col of [...Object.values(c.fixed), ...c.extra, ...c.imported]) {
    pairs.push({ what: `curve ${col} on the chart (panel)`, fg: col, bg: p.panel });
    pairs.push({ what: `chip dot ${col} on the RD panel (bg)`, fg: col, bg: p.bg });
  }
  pairs.push({ what: 'L/R rings (mark) on the chart', fg: p.mark, bg: p.panel });
  pairs.push({ what: 'axes and ticks (muted) on the chart', fg: p.muted, bg: p.panel });
  return pairs;
}

const fmt = (pairs: Pair[], min: (pr: Pair, i: number) => number) =>
  pairs
    .map((pr, i) => ({ ...pr, ratio: contrast(pr.fg, pr.bg), min: min(pr, i) }))
    .filter((x) => x.ratio < x.min)
    .map((x) => `${x.what}: ${x.ratio.toFixed(2)} < ${x.min.toFixed(2)}`);

describe('palette contrast', () => {
  for (const scheme of SCHEMES) {
    it(`${scheme}: every text colour is at least 4.5:1 on its background`, () => {
      expect(fmt(textPairs(scheme), () => 4.5)).toEqual([]);
    });
    it(`${scheme}: focus rings, curves and marks are at least 3:1 against what they are drawn on`, () => {
      expect(fmt(markPairs(scheme), () => 3)).toEqual([]);
    });
  }
  it('light text pairs are at least as strong as the dark ones (up to 7:1)', () => {
    const dark = textPairs('dark');
    const light = textPairs('light');
    expect(light.map((x) => x.what)).toEqual(dark.map((x) => x.what));
    expect(fmt(light, (_, i) => Math.min(7, contrast(dark[i].fg, dark[i].bg)))).toEqual([]);
  });
  it('the two themes differ where it matters: light surfaces are light, dark ones dark', () => {
    for (const k of ['bg', 'panel', 'panel2'] as const) {
      expect(luminance(PALETTES.light[k])).toBeGreaterThan(0.8);
      expect(luminance(PALETTES.dark[k])).toBeLessThan(0.02);
    }
  });
});

/** CIE L*a*b* (D65) of an opaque sRGB colour: the sRGB matrix of IEC 61966-2-1, CIE 1976's f(t). */
function lab(c: string): [number, number, number] {
  const [R, G, B] = linearRgb(c);
  const X = (0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047;
  const Y = luminance(c);
  const Z = (0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  return [116 * f(Y) - 16, 500 * (f(X) - f(Y)), 200 * (f(Y) - f(Z))];
}

/** CIEDE2000 colour difference (Sharma, Wu, Dalal 2005, equations 1-22). */
function deltaE2000([L1, a1, b1]: number[], [L2, a2, b2]: number[]): number {
  const rad = Math.PI / 180;
  const cbar = (Math.hypot(a1, b1) + Math.hypot(a2, b2)) / 2;
  const g = 0.5 * (1 - Math.sqrt(cbar ** 7 / (cbar ** 7 + 25 ** 7)));
  const [ap1, ap2] = [(1 + g) * a1, (1 + g) * a2];
  const [c1, c2] = [Math.hypot(ap1, b1), Math.hypot(ap2, b2)];
  const hue = (b: number, a: number) => (b === 0 && a === 0 ? 0 : ((Math.atan2(b, a) / rad) % 360 + 360) % 360);
  const [h1, h2] = [hue(b1, ap1), hue(b2, ap2)];
  let dh = 0;
  if (c1 * c2 !== 0) dh = h2 - h1 > 180 ? h2 - h1 - 360 : h2 - h1 < -180 ? h2 - h1 + 360 : h2 - h1;
  const dH = 2 * Math.sqrt(c1 * c2) * Math.sin((dh / 2) * rad);
  const lbar = (L1 + L2) / 2;
  const cpbar = (c1 + c2) / 2;
  let hbar = h1 + h2;
  if (c1 * c2 !== 0) hbar = Math.abs(h1 - h2) <= 180 ? (h1 + h2) / 2 : h1 + h2 < 360 ? (h1 + h2 + 360) / 2 : (h1 + h2 - 360) / 2;
  const t = 1 - 0.17 * Math.cos((hbar - 30) * rad) + 0.24 * Math.cos(2 * hbar * rad) + 0.32 * Math.cos((3 * hbar + 6) * rad) - 0.2 * Math.cos((4 * hbar - 63) * rad);
  const dTheta = 30 * Math.exp(-(((hbar - 275) / 25) ** 2));
  const rc = 2 * Math.sqrt(cpbar ** 7 / (cpbar ** 7 + 25 ** 7));
  const sl = 1 + (0.015 * (lbar - 50) ** 2) / Math.sqrt(20 + (lbar - 50) ** 2);
  const sc = 1 + 0.045 * cpbar;
  const sh = 1 + 0.015 * cpbar * t;
  const rt = -Math.sin(2 * dTheta * rad) * rc;
  const [x, y, z] = [(L2 - L1) / sl, (c2 - c1) / sc, dH / sh];
  return Math.sqrt(x * x + y * y + z * z + rt * y * z);
}

describe('curve colours tell the codecs apart', () => {
  it('CIEDE2000 gives the published differences of Sharma et al.\'s test pairs', () => {
    const cases: [number[], number[], number][] = [
      [[50, 2.6772, -79.7751], [50, 0, -82.7485], 2.0425],
      [[50, 0, 0], [50, -1, 2], 2.3669],
      [[50, 2.5, 0], [73, 25, -18], 27.1492],
      [[50, 2.5, 0], [61, -5, 29], 22.8977],
      [[50, 2.5, 0], [56, -27, -3], 31.903],
      [[50, 2.5, 0], [58, 24, 15], 19.4535],
    ];
    for (const [a, b, want] of cases) {
      expect(deltaE2000(a, b)).toBeCloseTo(want, 4);
      expect(deltaE2000(b, a)).toBeCloseTo(want, 4);
    }
    expect(lab('#ffffff')[0]).toBeCloseTo(100, 2);
    expect(lab('#808080')[0]).toBeCloseTo(53.59, 1);
  });
  // Thin lines and small dots of every offered codec share one chart: any two curve colours must differ by at
  // least ΔE00 19 (the pairs a glance confuses, like cyan beside teal, are ~16).
  for (const scheme of SCHEMES) {
    it(`${scheme}: every two codecs' curve colours are at least ΔE00 19 apart`, () => {
      const colours = CODECS.map((c) => ({ id: c.id, colour: codecColor(c.id, scheme) }));
      expect(colours.length).toBeGreaterThanOrEqual(8);
      const close: string[] = [];
      for (let i = 0; i < colours.length; i++)
        for (let j = i + 1; j < colours.length; j++) {
          const d = deltaE2000(lab(colours[i].colour), lab(colours[j].colour));
          if (d < 19) close.push(`${colours[i].id} ${colours[i].colour} ~ ${colours[j].id} ${colours[j].colour}: ${d.toFixed(1)}`);
        }
      expect(close).toEqual([]);
    });
  }
});

describe('themeCss and styles.css', () => {
  const css = themeCss();
  it('defines every palette entry for both themes, light under prefers-color-scheme: light', () => {
    const [dark, light] = css.split('@media (prefers-color-scheme: light)');
    for (const [k, v] of Object.entries(PALETTES.dark)) expect(dark).toContain(`${cssVarName(k)}: ${v};`);
    for (const [k, v] of Object.entries(PALETTES.light)) expect(light).toContain(`${cssVarName(k)}: ${v};`);
    expect(dark).toContain('color-scheme: dark');
    expect(light).toContain('color-scheme: light');
    expect(cssVarName('panel2')).toBe('--panel-2');
    expect(cssVarName('accentInk')).toBe('--accent-ink');
  });
  it('styles.css uses only custom properties that exist, and writes no colour of its own outside the image overlays', () => {
    const styles = readFileSync(new URL('./styles.css', import.meta.url), 'utf8');
    const defined = new Set([...css.matchAll(/(--[\w-]+):/g), ...styles.matchAll(/(--[\w-]+):/g)].map((m) => m[1]));
    const used = new Set([...styles.matchAll(/var\((--[\w-]+)/g)].map((m) => m[1]));
    expect([...used].filter((v) => !defined.has(v))).toEqual([]);
    // Literal colours are allowed only where they sit on the image whatever the theme (the split handle and its
    // grip, the model card's white-backed figures); everything else takes the palette.
    const literal = styles
      .split('\n')
      .filter((line) => /#[0-9a-f]{3,8}\b|rgba?\(/i.test(line))
      .filter((line) => !/^\.split-(handle|grip)|^\.model-card-body img/.test(line.trim()));
    expect(literal).toEqual([]);
  });
});
