// PSNR + MS-SSIM of a decoded image against its source (worker side).
import { msssimRgb } from '../../metrics/msssim';
import { psnrRgb } from '../../metrics/psnr';
import type { RgbaImage } from '../types';
import type { QualityMetrics } from './protocol';

export function measure(source: RgbaImage, decoded: RgbaImage): QualityMetrics {
  const psnr = psnrRgb(source, decoded);
  const ms = msssimRgb(source, decoded);
  return { psnr, msssim: ms.value, msssimScales: ms.scales };
}
