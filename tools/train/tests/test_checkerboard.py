"""The checkerboard context model (models.Checkerboard, docs/learned-codecs.md "Checkerboard context"): its integer
index path in numpy int64 (intnet.checkerboard_context / checkerboard_index, what every runtime must compute)
against a direct loop with Python integers and against the PyTorch forward it is trained with (exactly, in
float64); the masked conv reads only anchors and writes only non-anchors; a fresh context starts at mean-scale;
a few fitting steps lower the rate."""
import os
import sys
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
try:
    import torch
except ImportError:  # pragma: no cover
    torch = None

from intnet import checkerboard_anchors, checkerboard_context, checkerboard_index, hyper_synthesis_int  # noqa: E402


def context_loop(sym, w, b, c, lo, hi, clip):
    """The masked context layer element by element, with Python integers and truncating division."""
    o, cin, k, _ = w.shape
    _, h, wd = sym.shape
    r = k // 2
    out = np.zeros((o, h, wd), np.int64)
    for oc in range(o):
        for y in range(h):
            for x in range(wd):
                if (y + x) % 2 == 0:
                    continue  # anchors: 0
                acc = int(b[oc])
                for i in range(cin):
                    for ky in range(k):
                        for kx in range(k):
                            yy, xx = y + ky - r, x + kx - r
                            if 0 <= yy < h and 0 <= xx < wd and (yy + xx) % 2 == 0:  # anchors only
                                acc += int(w[oc, i, ky, kx]) * min(max(int(sym[i, yy, xx]), -clip), clip)
                num = acc + (int(c[oc]) >> 1)
                q = abs(num) // int(c[oc]) * (1 if num >= 0 else -1)
                out[oc, y, x] = min(max(q, lo), hi)
    return out


class Context(unittest.TestCase):
    def setUp(self):
        rng = np.random.default_rng(11)
        self.sym = rng.integers(-300, 301, (3, 6, 7))  # beyond the clamp on purpose
        self.w = rng.integers(-127, 128, (4, 3, 5, 5))
        self.b = rng.integers(-40000, 40000, 4)
        self.c = rng.integers(1, 3000, 4)

    def test_equals_a_direct_loop_over_anchors(self):
        for lo, hi, clip in ((0, 127, 127), (0, 1000, 31), (-1000, 1000, 127)):
            with self.subTest(lo=lo, hi=hi, clip=clip):
                np.testing.assert_array_equal(checkerboard_context(self.sym, self.w, self.b, self.c, lo, hi, clip),
                                              context_loop(self.sym, self.w, self.b, self.c, lo, hi, clip))

    def test_reads_anchors_only_ignores_even_taps_and_writes_non_anchors_only(self):
        args = (self.w, self.b, self.c, 0, 10 ** 6, 127)
        ref = checkerboard_context(self.sym, *args)
        anchors = checkerboard_anchors(6, 7)
        other = self.sym.copy()
        other[:, ~anchors] = 99  # non-anchor symbols are never read
        np.testing.assert_array_equal(checkerboard_context(other, *args), ref)
        w2 = self.w.copy()
        w2[:, :, 0, 0] = 100  # tap (0, 0): ky + kx even, never read
        w2[:, :, 2, 2] = -100
        np.testing.assert_array_equal(checkerboard_context(self.sym, w2, *args[1:]), ref)
        self.assertTrue((ref[:, anchors] == 0).all())
        self.assertGreater(np.count_nonzero(ref[:, ~anchors]), ref[:, ~anchors].size // 4)
        moved = self.sym.copy()
        moved[:, 2, 2] = -np.clip(moved[:, 2, 2], -127, 127)  # an anchor: changes its odd-offset neighbours
        self.assertFalse(np.array_equal(checkerboard_context(moved, *args), ref))


def int_params(layer):
    with torch.no_grad():
        wi, bi, c = layer.integer_params()
    return [np.rint(t.double().numpy()).astype(np.int64) for t in (wi, bi, c)]


@unittest.skipIf(torch is None, "needs torch")
class Model(unittest.TestCase):
    def small(self, seed=3):
        from models import Checkerboard
        torch.manual_seed(seed)
        net = Checkerboard(n=8, m=8, nz=4, c=6).double()
        with torch.no_grad():  # livelier integer features than the default init gives on a tiny net
            for layer in (net.h_s.c1, net.h_s.c2, net.context):
                layer.conv.bias.add_(0.5)
            for layer in (net.scale_head, net.ctx_scale_head):  # indexes spread over the table
                layer.conv.bias.add_(20)
                layer.conv.weight.mul_(8)
        return net

    def test_the_integer_path_equals_the_pytorch_forward(self):
        net = self.small()
        net.eval()
        g = torch.Generator().manual_seed(5)
        z_hat = torch.randint(-6, 7, (1, 4, 3, 4), generator=g).double()
        y = torch.randn(1, 8, 12, 16, generator=g, dtype=torch.float64) * 4
        with torch.no_grad():
            feats = net.h_s(z_hat)
            idx, mu, anchor, ctx = net.passes(y, feats)
            mu1 = net.means(feats)
        layers = {"c1": (*int_params(net.h_s.c1), 0, 127), "c2": (*int_params(net.h_s.c2), 0, 127),
                  "scale": (*int_params(net.scale_head), 0, 63)}
        f_int, idx1 = hyper_synthesis_int(z_hat[0].numpy().astype(np.int64), layers)
        np.testing.assert_array_equal(f_int, feats[0].numpy())
        sym = np.rint((y - mu1)[0].numpy()).astype(np.int64)  # the anchors' symbols as coded (round half even)
        cb = {"context": (*int_params(net.context), 0, 127, net.context.clip),
              "index": (*int_params(net.ctx_scale_head), 0, 63)}
        ctx_int, idx_int = checkerboard_index(f_int, idx1, sym, cb)
        np.testing.assert_array_equal(ctx_int, ctx[0].numpy())
        np.testing.assert_array_equal(idx_int, idx[0].numpy())
        a = checkerboard_anchors(12, 16)
        self.assertGreater(np.count_nonzero(ctx_int[:, ~a]), 10)  # the context is alive
        self.assertGreater(len(np.unique(idx_int[:, ~a])), 3)
        self.assertTrue((cb["context"][0][:, :, (np.add.outer(np.arange(5), np.arange(5)) % 2 == 0)] == 0).all())

    def test_a_fresh_context_starts_at_mean_scale(self):
        net = self.small()
        net.init_context_heads()
        g = torch.Generator().manual_seed(2)
        y = torch.randn(2, 8, 8, 8, generator=g, dtype=torch.float64) * 3
        with torch.no_grad():
            feats = net.h_s(torch.randint(-6, 7, (2, 4, 2, 2), generator=g).double())
            idx, mu, _, ctx = net.passes(y, feats)
            self.assertGreater(ctx.abs().sum().item(), 0)
            torch.testing.assert_close(idx, net.scale_head(feats), rtol=0, atol=0)
            torch.testing.assert_close(mu, net.means(feats), rtol=1e-12, atol=1e-12)

    def test_a_few_fitting_steps_lower_the_rate(self):
        net = self.small(seed=4)
        net.init_context_heads()
        g = torch.Generator().manual_seed(9)
        # latents with spatial structure, so the anchors say something about their neighbours
        base = torch.randn(4, 8, 4, 4, generator=g, dtype=torch.float64) * 6
        y = torch.nn.functional.interpolate(base, scale_factor=4, mode="bilinear", align_corners=False)
        t = torch.full((4,), 0.5, dtype=torch.float64)
        params = [p for n, p in net.named_parameters() if n.startswith(("context.", "ctx_"))]
        opt = torch.optim.Adam(params, lr=3e-3)
        torch.manual_seed(0)
        losses = []
        for _ in range(60):
            c = net.code(y, t, noise=False)
            loss = c["bits_y"].sum() / y.numel()
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        self.assertLess(np.mean(losses[-5:]), 0.97 * losses[0])


if __name__ == "__main__":
    unittest.main()
