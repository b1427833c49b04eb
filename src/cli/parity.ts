// Developer check (needs Debian's python3 with torch; not part of npm test): the TypeScript pipeline against
// tools/train/eval.py's code_image() — the Python reference of what the codec computes — on a crop of a sample
// photo, for every model and t ∈ {0, 0.5, 1}. Prints both sides' ideal bits, PSNR and mean scale index and exits
// 1 if they differ by more than rounding.   npx tsx src/cli/parity.ts [--python /usr/bin/python3]
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { encodeImage, decodeFile } from '../codecs/learned/pipeline';
import { psnrRgb } from '../metrics/psnr';
import { crop, loadNodeModel, readImageFile } from './node-io';

const ROOT = resolve(new URL('.', import.meta.url).pathname, '../..');
const python = process.argv.includes('--python') ? process.argv[process.argv.indexOf('--python') + 1] : '/usr/bin/python3';
const [X, Y, W, H] = [100, 100, 96, 64];
const MODELS = ['factorized', 'hyperprior', 'mean-scale'];
const TS = [0, 0.5, 1];

const py = `
import sys, json, numpy as np, torch
sys.path.insert(0, ${JSON.stringify(join(ROOT, 'tools/train'))})
from PIL import Image
from package_io import read_package, torch_model_from_package
import eval as ev
from metrics import psnr
img = np.array(Image.open(${JSON.stringify(join(ROOT, 'public/samples/coffee.png'))}).convert('RGB'))[${Y}:${Y + H}, ${X}:${X + W}]
out = {}
for name in ${JSON.stringify(MODELS)}:
    man, T = read_package(${JSON.stringify(join(ROOT, 'public/models'))} + '/' + name)
    net = torch_model_from_package(man, T).eval()
    for t in ${JSON.stringify(TS)}:
        with torch.no_grad():
            bits, rec, stats = ev.code_image(net, man, T, img, t)
        out[name + '@' + str(t)] = {'bits': float(bits), 'psnr': float(psnr(img, rec)), 'mean_index': stats.get('mean_index')}
print(json.dumps(out))
`;
const r = spawnSync(python, ['-c', py], { encoding: 'utf8', maxBuffer: 1 << 24 });
if (r.status !== 0) {
  console.error(`python reference failed:\n${r.stderr}`);
  process.exit(2);
}
const ref = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, { bits: number; psnr: number; mean_index: number | null }>;
const image = crop(await readImageFile(join(ROOT, 'public/samples/coffee.png')), W, H, X, Y);
let bad = 0;
for (const name of MODELS) {
  const { pkg, backend } = await loadNodeModel(join(ROOT, 'public/models', name));
  for (const t of TS) {
    const enc = await encodeImage(pkg, backend, image, t);
    const dec = await decodeFile(pkg, backend, enc.bytes);
    const bits = enc.latents.reduce((a, l) => a + l.bits, 0);
    const psnr = psnrRgb(image, dec.image);
    const mi = enc.latents[0].values?.['mean scale index'] ?? null;
    const p = ref[`${name}@${t}`];
    const ok = Math.abs(bits - p.bits) <= 1e-6 * p.bits + 0.5 && Math.abs(psnr - p.psnr) < 0.02 && (mi === null || Math.abs(mi - p.mean_index!) < 1e-9);
    if (!ok) bad++;
    console.log(`${ok ? 'ok ' : 'BAD'} ${name} t=${t}: bits ${bits.toFixed(1)} / python ${p.bits.toFixed(1)}, PSNR ${psnr.toFixed(3)} / ${p.psnr.toFixed(3)} dB, mean index ${mi ?? '-'} / ${p.mean_index ?? '-'}, file ${enc.bytes.length} B`);
  }
}
process.exit(bad ? 1 : 0);
