// Keeps the address bar in step with the state that URLs carry (state/url.ts), 200 ms after the last change.
import { useLab } from '../lab';
import { encodeUrlState } from '../url';

let urlTimer: ReturnType<typeof setTimeout> | undefined;

/** Starts following the store (once; index.ts calls it). */
export function syncUrl(): void {
  useLab.subscribe((s, prev) => {
    if (
      s.sides.left.setting === prev.sides.left.setting &&
      s.sides.right.setting === prev.sides.right.setting &&
      s.selected === prev.selected &&
      s.anchor === prev.anchor &&
      s.metric === prev.metric &&
      s.targetBpp === prev.targetBpp &&
      s.source === prev.source &&
      s.resize === prev.resize
    ) {
      return;
    }
    clearTimeout(urlTimer);
    urlTimer = setTimeout(() => {
      const st = useLab.getState();
      const q = encodeUrlState({
        left: st.sides.left.setting,
        right: st.sides.right.setting,
        codecs: st.selected,
        anchor: st.anchor,
        metric: st.metric,
        targetBpp: st.targetBpp,
        sample: st.source?.sampleId ?? null,
        resize: st.resize,
      });
      if (q !== location.search) history.replaceState(history.state, '', q + location.hash);
    }, 200);
  });
}
