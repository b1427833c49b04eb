import { learnedCodec } from '../learned/codec';

/** Scale-hyperprior learned codec (Ballé et al. 2018): model package public/models/hyperprior. */
export const hyperprior = learnedCodec({
  id: 'hyperprior',
  refinable: true,
  name: 'Hyperprior (Ballé 2018)',
  description:
    'Adds side information: a small hyper-latent z tells the decoder the scale of every latent, so the ' +
    'probability tables adapt to the image. Table indexes are computed in integers, so files decode on any device.',
  paper: {
    what: 'Ballé, Minnen, Singh, Hwang, Johnston: Variational image compression with a scale hyperprior. ICLR 2018.',
    license: 'paper',
    url: 'https://arxiv.org/abs/1802.01436',
  },
});
