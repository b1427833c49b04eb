// Files that cross runtimes (issue 17: "files written on wgsl, onnx-webgpu, onnx-wasm and in Node decode on every
// other to the same symbols"). fixtures/files/ holds checkerboard files of the tiny random-weights package
// (fixtures/models/checkerboard), one written in Node (onnx-wasm) and one in the browser (wgsl, SwiftShader), with
// the y and z symbols their encoder coded (files.json). Here Node decodes every one of them; the browser test
// (checkerboard.gpu.test.ts) decodes them on wgsl, onnx-wasm and onnx-webgpu. So a Node-written file is checked on
// the browser's three backends and a browser-written file in Node, against the writer's own symbols.
//
// Regenerate (after the fixture package changes): VITE_REGENERATE_FIXTURES=1 npx vitest run --project unit
// src/codecs/learned/checkerboard-files.test.ts, then the same variable with --project gpu
// src/codecs/learned/checkerboard.gpu.test.ts (it adds the wgsl file).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crop, loadNodeModel, readImageFile } from '../../cli/node-io';
import { decodeFile, encodeImage } from './pipeline';

const DIR = join(__dirname, 'fixtures/files');
const LIST = join(DIR, 'files.json');

/** files.json: per file, who wrote it and the symbols its encoder coded. */
export interface CrossFile {
  writer: string;
  sha256: string;
  y: number[];
  z: number[];
}

describe('checkerboard files across runtimes', () => {
  it('Node decodes every fixture file (written in Node and in the browser) to its writer\'s symbols', async () => {
    const { pkg, backend } = await loadNodeModel(join(__dirname, 'fixtures/models/checkerboard'));
    if (process.env.VITE_REGENERATE_FIXTURES) {
      const image = crop(await readImageFile(join(__dirname, '../../../public/samples/coffee.png')), 64, 64, 200, 120);
      const e = await encodeImage(pkg, backend, image, 0.8);
      writeFileSync(join(DIR, 'checkerboard-node.rdlb'), e.bytes);
      const list: Record<string, CrossFile> = existsSync(LIST) ? JSON.parse(readFileSync(LIST, 'utf8')) : {};
      list['checkerboard-node.rdlb'] = { writer: 'Node, onnxruntime-web wasm EP', sha256: createHash('sha256').update(e.bytes).digest('hex'), y: Array.from(e.y.symbols), z: Array.from(e.z!.symbols) };
      writeFileSync(LIST, JSON.stringify(list, null, 0) + '\n');
    }
    const list: Record<string, CrossFile> = JSON.parse(readFileSync(LIST, 'utf8'));
    expect(Object.values(list).map((f) => f.writer.split(',')[0]).sort()).toEqual(['Node', 'browser']);
    for (const [name, f] of Object.entries(list)) {
      const bytes = readFileSync(join(DIR, name));
      expect(createHash('sha256').update(bytes).digest('hex'), name).toBe(f.sha256);
      const d = await decodeFile(pkg, backend, new Uint8Array(bytes));
      expect(Array.from(d.ySymbols), name).toEqual(f.y);
      expect(Array.from(d.zSymbols!), name).toEqual(f.z);
      expect(f.y.some((v) => v !== 0)).toBe(true);
    }
  });
});
