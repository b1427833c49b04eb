import { learnedCodec } from '../learned/codec';

/** Factorized-prior learned codec (Ballé et al. 2017): model package public/models/factorized. */
export const factorized = learnedCodec({
  id: 'factorized',
  name: 'Factorized (Ballé 2017)',
  description:
    'The first end-to-end learned image codec: a GDN analysis transform, rounding, and one fixed learned ' +
    'probability table per latent channel. Our own small variable-rate model (tools/train).',
  paper: {
    what: 'Ballé, Laparra, Simoncelli: End-to-end optimized image compression. ICLR 2017.',
    license: 'paper',
    url: 'https://arxiv.org/abs/1611.01704',
  },
});
