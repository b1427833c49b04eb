// Browser-only test support (gpu project): a crop of one of the app's sample photos as RGBA, the browser twin of
// cli/node-io's readImageFile + crop.
import type { RgbaImage } from '../codecs/types';

/** The width × height region at (x, y) of /samples/<name>, decoded by the browser. */
export async function sampleCrop(x: number, y: number, width: number, height: number, name = 'coffee.png'): Promise<RgbaImage> {
  const bmp = await createImageBitmap(await (await fetch(`/samples/${name}`)).blob());
  const g = new OffscreenCanvas(width, height).getContext('2d')!;
  g.drawImage(bmp, x, y, width, height, 0, 0, width, height);
  return { width, height, data: g.getImageData(0, 0, width, height).data };
}
