import { describe, expect, it } from 'vitest';
import { latentShares, stageRows } from './latents';

const latent = (name: string, bits: number) => ({ name, channels: 1, height: 1, width: 1, bits });

describe('side panel latents and stages', () => {
  it('gives each latent (each checkerboard pass) its share of the bits', () => {
    const s = latentShares([latent('y anchors', 600), latent('y non-anchors', 300), latent('z', 100)]);
    expect(s).toEqual([60, 30, 10]);
    expect(latentShares([latent('y', 0)])).toEqual([0]);
  });

  it('lists the stages in order, encode then decode, each pass on its own row', () => {
    const rows = stageRows({
      'decode: reading file': 0.5,
      'encode: analysis': 900,
      'encode: entropy coding: y anchors': 4,
      'encode: context model': 60,
      'encode: entropy coding: y non-anchors': 3,
      'decode: context model': 58,
      other: 1,
    });
    expect(rows).toEqual([
      { phase: 'encode', stage: 'analysis', ms: 900 },
      { phase: 'encode', stage: 'entropy coding: y anchors', ms: 4 },
      { phase: 'encode', stage: 'context model', ms: 60 },
      { phase: 'encode', stage: 'entropy coding: y non-anchors', ms: 3 },
      { phase: 'decode', stage: 'reading file', ms: 0.5 },
      { phase: 'decode', stage: 'context model', ms: 58 },
    ]);
    expect(stageRows(undefined)).toEqual([]);
  });
});
