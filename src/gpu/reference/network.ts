// Float64 reference of network.ts: runs a list of LayerSpecs, reading weights from the same blob in the same order.
import type { LayerSpec } from '../network';
import type { WeightReader } from '../weights';
import * as ref from './ops';

export function runSequentialRef(specs: readonly LayerSpec[], w: WeightReader, x: ref.RefTensor): ref.RefTensor {
  let cur = x;
  for (const s of specs) {
    switch (s.op) {
      case 'conv2d': {
        const weight = w.take(s.cout * s.cin * s.k * s.k);
        const bias = s.bias === false ? null : w.take(s.cout);
        cur = ref.conv2d(cur, weight, bias, s.cout, s.k, { stride: s.stride ?? 1, pad: s.pad ?? (s.k - 1) >> 1 });
        if (s.act === 'relu') cur = ref.relu(cur);
        else if (s.act && typeof s.act === 'object') cur = ref.leakyRelu(cur, s.act.leakyRelu);
        break;
      }
      case 'convTranspose2d': {
        const weight = w.take(s.cin * s.cout * s.k * s.k);
        const bias = s.bias === false ? null : w.take(s.cout);
        cur = ref.convTranspose2d(cur, weight, bias, s.cout, s.k, { stride: 2, pad: s.pad, outputPad: s.outputPad });
        if (s.act === 'relu') cur = ref.relu(cur);
        else if (s.act && typeof s.act === 'object') cur = ref.leakyRelu(cur, s.act.leakyRelu);
        break;
      }
      case 'gdn':
      case 'igdn': {
        const beta = w.take(s.channels);
        const gamma = w.take(s.channels * s.channels);
        cur = ref.gdn(cur, beta, gamma, s.op === 'igdn');
        break;
      }
      case 'relu':
        cur = ref.relu(cur);
        break;
      case 'leakyRelu':
        cur = ref.leakyRelu(cur, Math.fround(s.alpha ?? 0.01));
        break;
      case 'abs':
        cur = ref.abs(cur);
        break;
      case 'depthToSpace': {
        const r = ref.depthToSpace(cur.data, cur.shape, s.r ?? 2);
        cur = { shape: r.shape, data: r.data };
        break;
      }
    }
  }
  return cur;
}
