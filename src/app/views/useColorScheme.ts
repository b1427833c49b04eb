// The colour scheme the page shows (styles.css follows `prefers-color-scheme` by itself; this is for what draws
// with literal colours: the RD chart's SVG attributes). Re-renders when the system setting changes.
import { useSyncExternalStore } from 'react';
import { CURVE_COLORS, PALETTES, type Palette, type Scheme } from '../palette';

const LIGHT = '(prefers-color-scheme: light)';
const query = () => (typeof matchMedia === 'function' ? matchMedia(LIGHT) : null);

function subscribe(onChange: () => void): () => void {
  const q = query();
  q?.addEventListener('change', onChange);
  return () => q?.removeEventListener('change', onChange);
}

export function currentScheme(): Scheme {
  return query()?.matches ? 'light' : 'dark';
}

export function useColorScheme(): Scheme {
  return useSyncExternalStore(subscribe, currentScheme, () => 'dark');
}

/** The palette and curve colours of the scheme the page shows. */
export function useTheme(): { scheme: Scheme; palette: Palette; curves: (typeof CURVE_COLORS)[Scheme] } {
  const scheme = useColorScheme();
  return { scheme, palette: PALETTES[scheme], curves: CURVE_COLORS[scheme] };
}
