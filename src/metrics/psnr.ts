// PSNR over the R, G and B channels of 8-bit images (alpha ignored), peak 255.
// MSE is averaged over all pixels and the three channels together, as CompressAI does for "psnr-rgb"
// (one MSE per image, then PSNR = 10·log10(255² / MSE)).
import { checkPair, type RgbaPixels } from './errors';

/** Mean squared error over R, G, B of two same-size RGBA images, in 8-bit units². */
export function mseRgb(reference: RgbaPixels, distorted: RgbaPixels): number {
  checkPair(reference, distorted);
  const a = reference.data;
  const b = distorted.data;
  let sum = 0;
  // Integer partial sums stay exact: a row of 65 536 pixels × 3 × 255² is < 2^53.
  for (let i = 0; i < a.length; i += 4) {
    const dr = a[i] - b[i];
    const dg = a[i + 1] - b[i + 1];
    const db = a[i + 2] - b[i + 2];
    sum += dr * dr + dg * dg + db * db;
  }
  return sum / (reference.width * reference.height * 3);
}

/** PSNR in dB from an MSE in 8-bit units²; Infinity for identical images. */
export function psnrFromMse(mse: number, peak = 255): number {
  if (mse <= 0) return Infinity;
  return 10 * Math.log10((peak * peak) / mse);
}

/** RGB PSNR in dB (peak 255); Infinity when the images are identical. */
export function psnrRgb(reference: RgbaPixels, distorted: RgbaPixels): number {
  return psnrFromMse(mseRgb(reference, distorted));
}
