"""ceiling.py's yardstick: PCA of a set's 16×16×3 blocks keeps more with more components, and all of a block at
K = 768 (8-bit rounding of an 8-bit image gives it back exactly); a set whose blocks span k dimensions is kept
exactly at K = k."""
import os
import sys
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


class PcaYardstick(unittest.TestCase):
    def test_more_components_keep_more_and_all_keep_everything(self):
        from ceiling import pca_psnr
        rng = np.random.default_rng(0)
        imgs = [np.round(rng.random((512, 384, 3)) * 255) / 255 for _ in range(2)]  # 1536 blocks: full rank
        p = pca_psnr(imgs, [8, 64, 256, 768])
        self.assertLess(p[8], p[64])
        self.assertLess(p[64], p[256])
        self.assertEqual(p[768], float("inf"))

    def test_a_set_of_rank_k_is_kept_at_k(self):
        from ceiling import blocks_of, pca_psnr
        rng = np.random.default_rng(1)
        basis = rng.random((3, 768))
        coef = rng.random((2 * 4 * 6, 3))
        rows = coef @ basis / 3  # 48 blocks of 16×16×3 in a 3-dimensional affine span, values in [0, 1]
        img = rows.reshape(2, 4, 6, 16, 16, 3).transpose(0, 1, 3, 2, 4, 5).reshape(2, 64, 96, 3)
        self.assertTrue(np.allclose(blocks_of(img[0]), rows[:24]))  # blocks_of reads the blocks back in order
        p = pca_psnr([img[0], img[1]], [1, 3])
        self.assertGreater(p[3], 45)  # exact up to 8-bit rounding of the reconstruction
        self.assertLess(p[1], p[3] - 5)


if __name__ == "__main__":
    unittest.main()
