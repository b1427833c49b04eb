import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs helper (no types)
import { runsBrowserProject } from './vitest-projects.mjs';

const runs = (cmd: string): boolean => runsBrowserProject(cmd.split(' ').filter(Boolean));

describe('runsBrowserProject (vitest.config.ts: when a Chromium is needed)', () => {
  it('follows --project when one is named, whatever the file names say', () => {
    expect(runs('run --project unit src/gpu/weights.test.ts')).toBe(false);
    expect(runs('run --project=unit src/gpu/reference/reference.test.ts')).toBe(false);
    expect(runs('run --project gpu')).toBe(true);
    expect(runs('run --project=gpu src/gpu/ops/conv2d.gpu.test.ts')).toBe(true);
    expect(runs('run --project unit --project gpu')).toBe(true);
  });

  it('without --project: only when a filter could match a *.gpu.test.ts file, or there is none', () => {
    expect(runs('run src/codecs/options.test.ts')).toBe(false);
    expect(runs('run src/gpu/weights.test.ts scripts/vitest-projects.test.ts')).toBe(false);
    expect(runs('run src/gpu/ops/gdn.gpu.test.ts')).toBe(true);
    expect(runs('run src/gpu')).toBe(true);
    expect(runs('run')).toBe(true);
    expect(runs('')).toBe(true);
  });
});
