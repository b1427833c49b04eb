// Node-only test support: the model packages committed under public/models (docs/model-package.md).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const MODELS_ROOT = join(__dirname, '../../public/models');

/** The parsed manifest.json of a folder under public/models, or null where there is none. */
export function readManifestJson(name: string, root = MODELS_ROOT): Record<string, unknown> | null {
  const f = join(root, name, 'manifest.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>) : null;
}

/** Folders holding a package of `kind` ('codec': a learned codec's model; 'shared': tensors codecs share). */
export function packageNames(kind: 'codec' | 'shared', root = MODELS_ROOT): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((n) => readManifestJson(n, root)?.kind === kind)
    .sort();
}
