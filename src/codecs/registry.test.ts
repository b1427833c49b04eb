// The codec registry's guard for learned codecs whose model is still to come (issue 17's checkerboard): offered in
// the app and by findCodec exactly when public/models/<id>/manifest.json exists (checked here with the file system
// directly, and against the list vite.config.ts gives the app's build), always known to the CLI (LEARNED_CODECS).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODELS_ROOT, packageNames } from '../testing/models';
import { shippedModels } from '../../vite.config';
import { CODECS, findCodec, LEARNED_CODECS, modelShipped } from './registry';

describe('codec registry', () => {
  it('offers a learned codec only when its package is under public/models; the CLI knows every one', () => {
    const there = (id: string) => existsSync(join(MODELS_ROOT, id, 'manifest.json'));
    for (const c of LEARNED_CODECS) {
      expect(modelShipped(c.id), c.id).toBe(there(c.id));
      expect(!!findCodec(c.id), c.id).toBe(there(c.id));
    }
    expect(LEARNED_CODECS.map((c) => c.id)).toContain('checkerboard');
    expect(modelShipped('no-such-model')).toBe(false);
    expect(CODECS.filter((c) => c.family === 'learned').map((c) => c.id)).toEqual(LEARNED_CODECS.map((c) => c.id).filter(there));
  });

  it('the build’s list of shipped models (vite.config.ts) is the codec packages under public/models', () => {
    expect(shippedModels(MODELS_ROOT).sort()).toEqual(packageNames('codec'));
  });
});
