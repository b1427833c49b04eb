// Whether a JPEG file is whole. Browsers decode a truncated JPEG without complaint (the missing rows come out
// grey), so RD Lab checks the file's structure itself: segments after SOI, each scan's entropy-coded data up to
// the next marker (inside it 0xFF is always followed by 0x00 or a restart marker RST0–7), and so on until EOI.
// A file that runs out before EOI was cut short (issue 19, bug 4). Data after EOI (e.g. a motion photo's video)
// is allowed.

export type JpegEnd = 'complete' | 'truncated' | 'malformed';

/** Walks a whole JPEG file's markers: 'complete' when it reaches EOI, 'truncated' when the bytes run out first. */
export function jpegEnd(b: Uint8Array): JpegEnd {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return 'malformed';
  let at = 2;
  for (;;) {
    if (at >= b.length) return 'truncated';
    if (b[at] !== 0xff) return 'malformed';
    while (at < b.length && b[at] === 0xff) at++; // fill bytes
    if (at >= b.length) return 'truncated';
    const m = b[at++];
    if (m === 0xd9) return 'complete';
    if ((m >= 0xd0 && m <= 0xd7) || m === 0x01) continue; // standalone markers
    if (at + 2 > b.length) return 'truncated';
    const len = (b[at] << 8) | b[at + 1];
    if (len < 2) return 'malformed';
    at += len;
    if (at > b.length) return 'truncated';
    if (m === 0xda) {
      // Entropy-coded data: up to the first 0xFF not followed by 0x00, RST0–7 or another 0xFF.
      for (;;) {
        while (at < b.length && b[at] !== 0xff) at++;
        if (at + 1 >= b.length) return 'truncated';
        const n = b[at + 1];
        if (n === 0x00 || (n >= 0xd0 && n <= 0xd7)) at += 2;
        else if (n === 0xff) at += 1;
        else break;
      }
    }
  }
}
