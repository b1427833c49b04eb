"""Export of a checkerboard package (export.write_package, docs/learned-codecs.md "Checkerboard context") and its
read-back (package_io.read_package, torch_model_from_package), on a tiny random model: the package's integer
layers, run by intnet in numpy int64, give exactly the PyTorch forward of the exported model (ctx and the fused
index); the model read back from the package gives the same integers and the same means; the known-answer vector
is what intnet computes from the package's own integers; the masked taps are stored as 0."""
import json
import os
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
try:
    import torch
except ImportError:  # pragma: no cover
    torch = None


def tiny_checkerboard(seed=3):
    """models.Checkerboard with N = M = 8, Nz = 4, 6 context channels and livelier integer layers than the
    default init gives on a net this small (indexes spread over the table, a context that is not all 0)."""
    from models import Checkerboard
    torch.manual_seed(seed)
    net = Checkerboard(n=8, m=8, nz=4, c=6)
    with torch.no_grad():
        for layer in (net.h_s.c1, net.h_s.c2, net.context):
            layer.conv.bias.add_(0.5)
        for layer in (net.scale_head, net.ctx_scale_head):
            layer.conv.bias.add_(20)
            layer.conv.weight.mul_(8)
        net.context.conv.weight.mul_(4)
    return net.eval()


@unittest.skipIf(torch is None, "needs torch")
class ExportCheckerboard(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        from export import write_package
        from package_io import read_package
        cls.tmp = tempfile.TemporaryDirectory()
        cls.net = tiny_checkerboard()
        write_package(cls.net, "checkerboard", cls.tmp.name, "f32")
        cls.manifest, cls.T = read_package(os.path.join(cls.tmp.name, "checkerboard"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def inputs(self, seed=5):
        g = torch.Generator().manual_seed(seed)
        z_hat = torch.randint(-6, 7, (1, 4, 3, 4), generator=g).double()
        y = torch.randn(1, 8, 12, 16, generator=g, dtype=torch.float64) * 4
        return z_hat, y

    def test_manifest_names_the_three_op_lists_and_the_selftest(self):
        tr = self.manifest["transforms"]
        self.assertEqual(self.manifest["architecture"], "checkerboard")
        self.assertEqual([o["op"] for o in tr["context_int"]], ["checkerboard_iconv2d"])
        ctx = tr["context_int"][0]
        self.assertEqual((ctx["kernel"], ctx["padding"], ctx["cin"], ctx["cout"], ctx["clip"], ctx["lo"], ctx["hi"]),
                         (5, 2, 8, 6, 127, 0, 127))
        head = tr["context_index_int"][0]
        self.assertEqual((head["op"], head["cin"], head["cout"], head["lo"], head["hi"]), ("iconv2d", 14, 8, 0, 63))
        self.assertEqual([o["op"] for o in tr["context_means"]], ["int_to_float", "conv2d", "leaky_relu", "conv2d"])
        self.assertEqual(tr["context_means"][1]["cin"], 14)
        cb = self.manifest["checkerboard"]
        self.assertEqual(cb["context_channels"], 6)
        self.assertEqual(self.T[cb["selftest"]["symbols"]].shape, (8, 4, 6))
        w = self.T[ctx["weight"]]
        even = np.add.outer(np.arange(5), np.arange(5)) % 2 == 0
        self.assertTrue((w[:, :, even] == 0).all())
        self.assertTrue((w[:, :, ~even] != 0).any())
        json.dumps(self.manifest)  # plain JSON

    def test_package_integers_equal_the_pytorch_forward(self):
        from intnet import checkerboard_index, hyper_synthesis_int
        from package_io import checkerboard_layers, int_layers
        z_hat, y = self.inputs()
        net = self.net.double()
        try:
            with torch.no_grad():
                feats = net.h_s(z_hat)
                idx, mu, _, ctx = net.passes(y, feats)
                mu1 = net.means(feats)
        finally:
            self.net.float()
        f_int, idx1 = hyper_synthesis_int(z_hat[0].numpy().astype(np.int64), int_layers(self.manifest, self.T))
        np.testing.assert_array_equal(f_int, feats[0].numpy())
        sym = np.rint((y - mu1)[0].numpy()).astype(np.int64)
        ctx_int, idx_int = checkerboard_index(f_int, idx1, sym, checkerboard_layers(self.manifest, self.T))
        np.testing.assert_array_equal(ctx_int, ctx[0].numpy())
        np.testing.assert_array_equal(idx_int, idx[0].numpy())
        non = (np.arange(12)[:, None] + np.arange(16)[None, :]) % 2 == 1
        self.assertGreater(np.count_nonzero(ctx_int[:, non]), 20)  # a live context
        self.assertGreater(len(np.unique(idx_int[:, non])), 4)
        self.assertFalse(np.array_equal(idx_int, idx1))  # pass 2 differs from pass 1

    def test_model_read_back_gives_the_same_integers_and_means(self):
        from package_io import torch_model_from_package
        back = torch_model_from_package(self.manifest, self.T).double()
        net = self.net.double()
        try:
            for a, b in ((net.context, back.context), (net.ctx_scale_head, back.ctx_scale_head),
                         (net.scale_head, back.scale_head), (net.h_s.c1, back.h_s.c1)):
                with torch.no_grad():
                    for u, v in zip(a.integer_params(), b.integer_params()):
                        torch.testing.assert_close(u, v, rtol=0, atol=0)
            z_hat, y = self.inputs(seed=8)
            with torch.no_grad():
                i1, m1, _, c1 = net.passes(y, net.h_s(z_hat))
                i2, m2, _, c2 = back.passes(y, back.h_s(z_hat))
        finally:
            self.net.float()
        torch.testing.assert_close(c1, c2, rtol=0, atol=0)
        torch.testing.assert_close(i1, i2, rtol=0, atol=0)
        torch.testing.assert_close(m1, m2, rtol=1e-6, atol=1e-6)  # f32 weights, read back as stored

    def test_selftest_is_the_integer_path_of_the_package(self):
        from intnet import checkerboard_index, iconv
        from package_io import checkerboard_layers, int_layers
        st = self.manifest["checkerboard"]["selftest"]
        sym, feats = self.T[st["symbols"]].astype(np.int64), self.T[st["features"]].astype(np.int64)
        self.assertEqual(np.abs(sym).max(), 300)  # beyond the clip: the clamp is part of the answer
        idx1 = iconv(feats, *int_layers(self.manifest, self.T)["scale"])
        ctx, idx = checkerboard_index(feats, idx1, sym, checkerboard_layers(self.manifest, self.T))
        np.testing.assert_array_equal(self.T[st["ctx"]], ctx)
        np.testing.assert_array_equal(self.T[st["index"]], idx)
        self.assertGreater(np.count_nonzero(ctx), 10)

    def test_a_changed_divisor_is_refused_on_read_back(self):
        from package_io import PackageError, torch_model_from_package
        T = dict(self.T)
        op = self.manifest["transforms"]["context_index_int"][0]
        T[op["weight"]] = T[op["weight"]].astype(np.float64) * 1.5  # not the integers the divisors were made for
        T[op["weight"]][0, 0, 0, 0] = 200
        with self.assertRaises(PackageError):
            torch_model_from_package(self.manifest, T)


if __name__ == "__main__":
    unittest.main()
