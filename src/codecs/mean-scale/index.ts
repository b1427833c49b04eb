import { learnedCodec } from '../learned/codec';

/** Mean-scale hyperprior learned codec (Minnen et al. 2018, without the context model): public/models/mean-scale. */
export const meanScale = learnedCodec({
  id: 'mean-scale',
  refinable: true,
  name: 'Mean-scale (Minnen 2018)',
  description:
    'The hyperprior predicts a mean as well as a scale for every latent (Minnen et al. 2018, without the slow ' +
    'autoregressive context model), which saves more bits than scales alone.',
  paper: {
    what: 'Minnen, Ballé, Toderici: Joint autoregressive and hierarchical priors for learned image compression. NeurIPS 2018 (mean-scale hyperprior, no context model).',
    license: 'paper',
    url: 'https://arxiv.org/abs/1809.02736',
  },
});
