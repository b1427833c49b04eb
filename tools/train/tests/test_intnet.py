"""intnet.py, the integer hyper-synthesis every runtime must reproduce: an independent direct loop for one layer
(truncating division), PyTorch's PixelShuffle for depth-to-space, and each shipped package's known-answer vector
(the manifest's selftest, which package.test.ts checks the TypeScript and onnxruntime paths against)."""
import os
import sys
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from intnet import depth_to_space2, hyper_synthesis_int, iconv  # noqa: E402
from package_io import MODELS_DIR, int_layers, read_package  # noqa: E402


def iconv_loop(a, w, b, c, lo, hi):
    """The layer written out element by element, with Python's exact integers."""
    o, cin, k, _ = w.shape
    h, wd = a.shape[1:]
    r = k // 2
    out = np.zeros((o, h, wd), dtype=np.int64)
    for oc in range(o):
        for y in range(h):
            for x in range(wd):
                acc = int(b[oc])
                for i in range(cin):
                    for ky in range(k):
                        for kx in range(k):
                            yy, xx = y + ky - r, x + kx - r
                            if 0 <= yy < h and 0 <= xx < wd:
                                acc += int(w[oc, i, ky, kx]) * int(a[i, yy, xx])
                num = acc + (int(c[oc]) >> 1)
                q = abs(num) // int(c[oc]) * (1 if num >= 0 else -1)
                out[oc, y, x] = min(max(q, lo), hi)
    return out


class IntNet(unittest.TestCase):
    def test_iconv_matches_a_direct_loop(self):
        rng = np.random.default_rng(3)
        a = rng.integers(-127, 128, (3, 5, 4))
        w = rng.integers(-127, 128, (4, 3, 3, 3))
        b = rng.integers(-5000, 5000, 4)
        c = rng.integers(1, 3000, 4)
        for lo, hi in ((0, 127), (-1000, 1000)):  # the second exercises truncation of negative quotients
            np.testing.assert_array_equal(iconv(a, w, b, c, lo, hi), iconv_loop(a, w, b, c, lo, hi))

    def test_depth_to_space_is_pytorch_pixel_shuffle(self):
        import torch
        x = np.arange(8 * 3 * 2).reshape(8, 3, 2)
        ref = torch.nn.functional.pixel_shuffle(torch.from_numpy(x)[None], 2)[0].numpy()
        np.testing.assert_array_equal(depth_to_space2(x), ref)

    def test_the_shipped_packages_known_answers(self):
        for name in ("hyperprior", "mean-scale"):
            with self.subTest(name):
                manifest, T = read_package(os.path.join(MODELS_DIR, name))
                st = manifest["integer_hyper_synthesis"]["selftest"]
                feats, idx = hyper_synthesis_int(T[st["z_hat"]].astype(np.int64), int_layers(manifest, T))
                np.testing.assert_array_equal(feats, T[st["features"]])
                np.testing.assert_array_equal(idx, T[st["index"]])
                self.assertGreater(len(np.unique(idx)), 3)  # a vector that exercises the tables


if __name__ == "__main__":
    unittest.main()
