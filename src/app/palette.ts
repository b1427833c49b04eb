// The app's colours, both themes, in one place. The page follows `prefers-color-scheme`: dark unless the visitor's
// system asks for light. The CSS custom properties (`--bg`, `--text`, …) that styles.css uses are written from
// these tables into index.html at build time (themeCss(), the `rdlab-theme` plugin in vite.config.ts); the RD
// chart, which draws SVG with attribute colours, reads the same tables through useColorScheme()
// (views/useColorScheme.ts). palette.test.ts checks the WCAG contrast of every text colour on every surface it is
// drawn on, in both themes: at least 4.5:1, and the light theme at least as high as the dark one up to 7:1 (AAA).

export type Scheme = 'dark' | 'light';
export const SCHEMES: readonly Scheme[] = ['dark', 'light'];

export interface Palette {
  /** page, RD panel, number inputs */
  bg: string;
  /** top bar, side panels, chart, cards, dialogs */
  panel: string;
  /** buttons, selects, toasts, pop-overs */
  panel2: string;
  /** separators (decorative) */
  line: string;
  /** control borders */
  line2: string;
  text: string;
  /** secondary text */
  muted: string;
  /** links, focus rings, primary buttons, progress */
  accent: string;
  /** text on an accent background */
  accentInk: string;
  warn: string;
  danger: string;
  good: string;
  /** the warning above the compare view (a truncated JPEG) */
  noticeBg: string;
  noticeText: string;
  noticeLine: string;
  /** translucent labels and controls over the image (side tags, zoom bar) */
  overlay: string;
  /** the chart's tooltip, over the chart */
  tooltip: string;
  /** the compare view's checkerboard behind the image */
  checkA: string;
  checkB: string;
  checkBase: string;
  /** the chart's L/R rings and a hovered dot's outline */
  mark: string;
  shadow: string;
  backdrop: string;
}

export const PALETTES: Record<Scheme, Palette> = {
  dark: {
    bg: '#0f1216',
    panel: '#171b21',
    panel2: '#1d222a',
    line: '#2a313b',
    line2: '#353d49',
    text: '#e6e9ee',
    muted: '#9aa4b2',
    accent: '#5ec4a8',
    accentInk: '#07211b',
    warn: '#e7b75f',
    danger: '#ef6b6b',
    good: '#6fd49b',
    noticeBg: '#3a2a12',
    noticeText: '#ffd58a',
    noticeLine: '#6b4b1a',
    overlay: 'rgba(12, 14, 18, 0.88)',
    tooltip: 'rgba(16, 19, 24, 0.96)',
    checkA: '#14181d',
    checkB: '#0f1216',
    checkBase: '#0b0d10',
    mark: '#ffffff',
    shadow: 'rgba(0, 0, 0, 0.45)',
    backdrop: 'rgba(0, 0, 0, 0.6)',
  },
  light: {
    bg: '#f6f7f9',
    panel: '#ffffff',
    panel2: '#eceff3',
    line: '#d6dbe2',
    line2: '#bcc4cf',
    text: '#171b22',
    muted: '#444e5b',
    accent: '#005a4b',
    accentInk: '#ffffff',
    warn: '#6b4600',
    danger: '#9f1f18',
    good: '#005a1e',
    noticeBg: '#fff3d6',
    noticeText: '#5a3c00',
    noticeLine: '#e3c27a',
    overlay: 'rgba(255, 255, 255, 0.94)',
    tooltip: 'rgba(255, 255, 255, 0.97)',
    checkA: '#e6e9ed',
    checkB: '#f3f5f7',
    checkBase: '#eef0f3',
    mark: '#171b22',
    shadow: 'rgba(30, 40, 55, 0.2)',
    backdrop: 'rgba(20, 26, 36, 0.4)',
  },
};

/** Curve colours: the classical four fixed, the other codecs by registry position, imported curves by index.
 * Light-theme colours are darker, so that lines and dots stand out from a white chart (≥ 3:1, WCAG 1.4.11). */
export interface CurveColors {
  fixed: Record<string, string>;
  extra: readonly string[];
  imported: readonly string[];
}

export const CURVE_COLORS: Record<Scheme, CurveColors> = {
  dark: {
    fixed: { jpeg: '#e7b75f', webp: '#6fa8ff', avif: '#c48cff', jxl: '#5ec4a8' },
    extra: ['#ff8a65', '#9ccc65', '#00e5ff', '#f06292', '#ba68c8', '#ffd54f'],
    imported: ['#ef8fa0', '#b0bec5', '#a1887f', '#90caf9', '#ffe082', '#80cbc4'],
  },
  light: {
    fixed: { jpeg: '#9a6400', webp: '#1f62c4', avif: '#8a3ccf', jxl: '#00735f' },
    extra: ['#c2410c', '#4d7c0f', '#2d99b4', '#c2185b', '#8e24aa', '#8d6e00'],
    imported: ['#b4235a', '#546e7a', '#795548', '#1565c0', '#8a6d00', '#00796b'],
  },
};

/** `panel2` → `--panel-2`, `accentInk` → `--accent-ink`. */
export const cssVarName = (key: string) => '--' + key.replace(/[A-Z]|\d+/g, (m) => '-' + m.toLowerCase());

function declarations(p: Palette, scheme: Scheme): string {
  const vars = Object.entries(p).map(([k, v]) => `${cssVarName(k)}: ${v};`);
  return `${vars.join(' ')} color-scheme: ${scheme};`;
}

/** The custom properties of both themes: dark by default, light under `prefers-color-scheme: light`. */
export function themeCss(): string {
  return `:root { ${declarations(PALETTES.dark, 'dark')} }\n@media (prefers-color-scheme: light) {\n  :root { ${declarations(PALETTES.light, 'light')} }\n}\n`;
}
