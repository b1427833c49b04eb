// Composites RGBA pixels over an opaque background ("flattening"), because codecs are compared on RGB.

/** True when any pixel is not fully opaque. */
export function hasTransparency(data: Uint8ClampedArray): boolean {
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) return true;
  return false;
}

/** In place: c' = round(c·a/255 + bg·(1 − a/255)), alpha → 255. Input is straight (unpremultiplied) alpha. */
export function flattenInPlace(data: Uint8ClampedArray, background: readonly [number, number, number] = [255, 255, 255]): void {
  for (let i = 0; i < data.length; i += 4) {
    const a = data[i + 3];
    if (a === 255) continue;
    for (let c = 0; c < 3; c++) data[i + c] = Math.round((data[i + c] * a + background[c] * (255 - a)) / 255);
    data[i + 3] = 255;
  }
}
