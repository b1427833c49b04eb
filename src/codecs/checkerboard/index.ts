import { learnedCodec } from '../learned/codec';

/** Mean-scale + checkerboard context learned codec (He et al. 2021): model package public/models/checkerboard.
 * Listed in the app only once that package exists (registry.ts); the CLI finds it with --models DIR before. */
export const checkerboard = learnedCodec({
  id: 'checkerboard',
  refinable: true,
  name: 'Checkerboard context (He 2021)',
  description:
    'Mean-scale plus a two-pass spatial context: half of the latents (a checkerboard) are coded first, and their ' +
    'values sharpen the prediction of the other half. Both passes decode in parallel, and every table index is ' +
    'computed in integers, so files decode to the same symbols on any device.',
  paper: {
    what: 'He, Zheng, Sun, Wang, Qin: Checkerboard context model for efficient learned image compression. CVPR 2021.',
    license: 'paper',
    url: 'https://arxiv.org/abs/2103.15306',
  },
});
