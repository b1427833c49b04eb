// The size budget of public/models (docs/model-package.md "Budget"): every folder is a package of at most
// MAX_PACKAGE_BYTES (12 MB, the number package.ts's reader also enforces per weights file); no two files are
// byte-identical; no learned weight (a tensor an op list or the gain units read) is stored twice; every shared
// package is named after its weights' SHA-256 and used by some codec, and every codec's references resolve.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODELS_ROOT as ROOT, packageNames, readManifestJson } from '../../testing/models';
import { MAX_PACKAGE_BYTES, type ModelManifest, type SharedManifest } from './package';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
/** All the bytes of a folder under public/models. */
const folderBytes = (name: string) => files(join(ROOT, name)).reduce((a, f) => a + statSync(f).size, 0);

const folders = readdirSync(ROOT, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
const codecs = packageNames('codec');
const shared = packageNames('shared');

describe('public/models', () => {
  it('holds only packages: each folder a codec or a shared package', () => {
    expect(codecs).toEqual(['checkerboard', 'factorized', 'hyperprior', 'mean-scale']);
    expect(shared.length).toBeGreaterThan(0);
    expect([...codecs, ...shared].sort()).toEqual([...folders].sort());
  });

  it.each(folders)('%s fits the 12 MB package budget', (name) => {
    expect(MAX_PACKAGE_BYTES).toBe(12_000_000);
    const size = folderBytes(name);
    expect(size).toBeGreaterThan(0);
    expect(size, `${name}: ${size} bytes`).toBeLessThanOrEqual(MAX_PACKAGE_BYTES);
  });

  it('has no two byte-identical files', () => {
    const seen = new Map<string, string>();
    const twins: string[] = [];
    for (const f of files(ROOT)) {
      const h = sha256(readFileSync(f));
      const rel = relative(ROOT, f);
      if (seen.has(h)) twins.push(`${seen.get(h)} = ${rel}`);
      else seen.set(h, rel);
    }
    expect(twins).toEqual([]);
    expect(seen.size).toBeGreaterThan(3 * codecs.length);
  });

  it('stores every learned weight once (tensors the op lists and gain units read, compared by content)', () => {
    const where = new Map<string, string>();
    const twins: string[] = [];
    let weights = 0;
    for (const name of codecs) {
      const m = readManifestJson(name) as unknown as ModelManifest;
      const read = new Set<string>([m.rate.gain, m.rate.inv_gain]);
      for (const ops of Object.values(m.transforms))
        for (const op of ops) for (const k of ['weight', 'bias', 'beta', 'gamma', 'divisor'] as const) if (k in op) read.add((op as Record<string, string>)[k]);
      const sources: [string, ModelManifest['weights']][] = [[name, m.weights], ...m.uses.map((u): [string, ModelManifest['weights']] => [u.name, (readManifestJson(u.name) as unknown as SharedManifest).weights])];
      for (const [pkg, w] of sources) {
        const blob = readFileSync(join(ROOT, pkg, w.file));
        for (const t of w.tensors) {
          if (!read.has(t.name)) continue;
          const h = sha256(blob.subarray(t.offset, t.offset + t.bytes));
          const at = `${pkg}/${t.name}`;
          if (where.has(h) && where.get(h) !== at) twins.push(`${where.get(h)} = ${at}`);
          where.set(h, at);
          weights++;
        }
      }
    }
    expect(twins).toEqual([]);
    expect(weights).toBeGreaterThan(100);
  });

  it('names each shared package after its weights and uses every one; every reference resolves', () => {
    const used = new Set<string>();
    for (const name of codecs) {
      const m = readManifestJson(name) as unknown as ModelManifest;
      for (const u of m.uses) {
        const s = readManifestJson(u.name) as unknown as SharedManifest | null;
        expect(s, `${name} uses ${u.name}`).not.toBeNull();
        expect(s!.weights.sha256).toBe(u.sha256);
        expect(sha256(readFileSync(join(ROOT, u.name, s!.weights.file)))).toBe(u.sha256);
        used.add(u.name);
      }
    }
    for (const name of shared) {
      const s = readManifestJson(name) as unknown as SharedManifest;
      expect(name).toBe(`${name.replace(/-[0-9a-f]{8}$/, '')}-${s.weights.sha256.slice(0, 8)}`);
      expect(used.has(name), `no codec uses ${name}`).toBe(true);
    }
  });
  it('docs/model-package.md\'s package table gives every package\'s current sizes', () => {
    const doc = readFileSync(join(ROOT, '../../docs/model-package.md'), 'utf8');
    const table = doc.slice(doc.indexOf('| package ('));
    const rows = new Map<string, [number, number]>();
    for (const line of table.split('\n').slice(2)) {
      if (!line.startsWith('|')) break;
      const cells = line.split('|').map((c) => c.trim());
      const name = /`([^`]+)`/.exec(cells[1])?.[1];
      if (name) rows.set(name, [Number(cells[2].replace(/,/g, '')), Number(cells[3].replace(/,/g, ''))]);
    }
    const actual = folders.map((name) => `${name}: ${folderBytes(name).toLocaleString('en-US')} | ${statSync(join(ROOT, name, 'weights.bin')).size.toLocaleString('en-US')}`);
    const documented = folders.map((name) => `${name}: ${(rows.get(name) ?? [NaN, NaN]).map((v) => v.toLocaleString('en-US')).join(' | ')}`);
    expect(documented, 'update the table in docs/model-package.md').toEqual(actual);
    expect([...rows.keys()].sort()).toEqual([...folders].sort());
  });
});
