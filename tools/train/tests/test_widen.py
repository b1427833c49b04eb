"""widen.py: widening the transforms' inner channels N (and the latents M) keeps what the model computes — the
same reconstruction and bits on an input — and the new channels learn: the zero weights that read them get a
gradient at once."""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
try:
    import torch
except ImportError:  # pragma: no cover
    torch = None


@unittest.skipIf(torch is None, "torch not installed")
class Widen(unittest.TestCase):
    def setUp(self):
        from train import build
        self.build = build
        torch.manual_seed(0)
        self.old = build("mean-scale", 16, 8, 8)
        with torch.no_grad():  # away from the initial GDN so the old normalisation is not trivially diagonal
            for name, p in self.old.named_parameters():
                if name.startswith(("g_a.", "g_s.")) and name.endswith((".gamma", ".beta")):
                    p.add_(0.05 * torch.rand_like(p))
        self.x = torch.rand(1, 3, 64, 64)
        self.t = torch.tensor([0.6])

    def run_both(self, n, m):
        import widen
        sd = widen.widen_inner(self.old.state_dict(), 16, n) if n > 16 else self.old.state_dict()
        if m > 8:
            sd = widen.widen_state(sd, 8, m)
        new = self.build("mean-scale", 16, m, 8, nt=n)
        new.load_state_dict(sd)
        self.old.eval()
        new.eval()
        with torch.no_grad():
            a = self.old.rd(self.x, self.t, noise=False)
            b = new.rd(self.x, self.t, noise=False)
        return new, a, b

    def test_inner_channels_keep_the_output(self):
        new, a, b = self.run_both(24, 8)
        self.assertEqual(tuple(new.g_s[0].conv.weight.shape), (4 * 24, 8, 3, 3))
        self.assertEqual(tuple(new.g_a[1].gamma.shape), (24, 24))
        self.assertLess((a["x_hat"] - b["x_hat"]).abs().max().item(), 1e-5)
        self.assertLess(abs(a["bpp"].item() - b["bpp"].item()), 1e-5)
        # the new channels compute something (random rows), and what reads them learns from the first step
        new.train()
        out = new.rd(self.x, self.t)
        (out["bpp"].mean() + 100 * ((out["x_hat"] - self.x) ** 2).mean()).backward()
        for w, old_rows in ((new.g_s[6].conv.weight, 12), (new.g_s[2].conv.weight, 64), (new.g_a[6].weight, 8),
                            (new.g_a[2].weight, 16)):
            self.assertTrue(torch.all(w.detach()[:old_rows, 16:] == 0))
            self.assertGreater(w.grad[:old_rows, 16:].abs().max().item(), 0)
            self.assertGreater(w.detach()[old_rows:].abs().max().item() if w.shape[0] > old_rows else 1, 0)

    def test_both_widths_at_once(self):
        _, a, b = self.run_both(24, 12)
        self.assertLess((a["x_hat"] - b["x_hat"]).abs().max().item(), 1e-5)

    def test_the_new_rows_spread(self):
        """widen_state's spread: the new analysis rows at that fraction of the old rows' spread; the synthesis reads
        them with tiny weights either way."""
        import widen
        sd = self.old.state_dict()
        w = sd["g_a.6.weight"]
        for spread in (0.01, 0.12):
            new = widen.widen_state(sd, 8, 40, spread)["g_a.6.weight"]
            self.assertTrue(torch.equal(new[:8], w))
            ratio = (new[8:].std() / w.std()).item()
            self.assertGreater(ratio, 0.8 * spread)
            self.assertLess(ratio, 1.2 * spread)

    def test_new_latents_get_the_scale_of_what_they_carry(self):
        """match_scales (widen.py --m) sets each new channel's scale index from its latents' spread, in place on a
        model whose parameters require gradients, and leaves the old channels' as they were."""
        import widen
        from models import NUM_SCALES, SCALE_MAX, SCALE_MIN
        new, _, _ = self.run_both(16, 12)
        before = new.scale_head.conv.bias.detach().clone()
        std = widen.match_scales(new, 8, [torch.randint(0, 256, (3, 64, 64), dtype=torch.uint8)])
        after = new.scale_head.conv.bias.detach()
        self.assertTrue(torch.equal(after[:8], before[:8]))
        scale = SCALE_MIN * (SCALE_MAX / SCALE_MIN) ** (after[8:] / (NUM_SCALES - 1))  # the index's scale
        ratio = scale / std.clamp(min=SCALE_MIN)
        self.assertTrue(torch.all((ratio > 0.9) & (ratio < 1.1)), ratio)


@unittest.skipIf(torch is None, "torch not installed")
class GrowNewLatents(unittest.TestCase):
    """widen.py --m-init residual and train.py --only-new / --holiday: the new latent channels start on what the
    old code loses, learn to be read before they pay for bits, and nothing else moves meanwhile."""

    def setUp(self):
        import widen
        from train import build
        torch.manual_seed(0)
        old = build("mean-scale", 16, 8, 8)
        self.old = old
        self.new = build("mean-scale", 16, 12, 8)
        self.new.load_state_dict(widen.widen_state(old.state_dict(), 8, 12))
        g = torch.Generator().manual_seed(3)
        # smooth random images (upsampled noise) so the tiny untrained code leaves a structured residual
        self.crops = [torch.nn.functional.interpolate(torch.rand(1, 3, 16, 16, generator=g), size=(64, 64),
                                                      mode="bilinear", align_corners=False) for _ in range(24)]

    def test_ridge_is_least_squares(self):
        import numpy as np
        import widen
        g = torch.Generator().manual_seed(1)
        f = torch.randn(200, 6, generator=g, dtype=torch.float64)
        t = f @ torch.randn(6, 3, generator=g, dtype=torch.float64) + 0.7 + 0.01 * torch.randn(200, 3, generator=g, dtype=torch.float64)
        w, b = widen.ridge(f, t, alpha=0.0)
        a = np.hstack([f.numpy(), np.ones((200, 1))])
        sol = np.linalg.lstsq(a, t.numpy(), rcond=None)[0]
        np.testing.assert_allclose(w.numpy(), sol[:6], atol=1e-9)
        np.testing.assert_allclose(b.numpy(), sol[6], atol=1e-9)

    def test_residual_init_reads_the_residual_and_keeps_the_output(self):
        """The new latents at t = 1 follow the residual's first principal coefficient (computed here with numpy's
        SVD), and the reconstruction is unchanged (the synthesis reads them with zero weights)."""
        import numpy as np
        import torch.nn.functional as F
        import widen
        t1 = torch.ones(1)
        with torch.no_grad():
            before = [self.new.rd(x, t1, noise=False)["x_hat"] for x in self.crops]
        rep = widen.residual_init(self.new, 8, self.crops)
        with torch.no_grad():
            after = [self.new.rd(x, t1, noise=False)["x_hat"] for x in self.crops]
            y = torch.cat([(self.new.g_a(x) * self.new.gain.gain(t1))[:, 8:].flatten(2)[0].T for x in self.crops])
        self.assertLess(max((a - b).abs().max().item() for a, b in zip(before, after)), 1e-5)
        blocks = np.concatenate([F.unfold(x - xh, 16, stride=16)[0].T.numpy() for x, xh in zip(self.crops, before)])
        centred = blocks - blocks.mean(0)
        first = centred @ np.linalg.svd(centred, full_matrices=False)[2][0]
        r = abs(np.corrcoef(first, y[:, 0].numpy())[0, 1])
        self.assertGreater(r, 0.5, rep)
        # one step at t = 1 is 1/rep["step"] of the coefficient: the new latent's spread is step x the prediction's
        self.assertAlmostEqual(float(y[:, 0].std()) / (rep["step"] * first.std() * r), 1.0, delta=0.1)

    def test_only_new_moves_only_the_new_slices(self):
        import widen
        from train import freeze_all_but_new
        trained = freeze_all_but_new(self.new, 8)
        self.assertEqual(set(trained), set(widen.NEW_M_SLICES))
        before = {k: v.clone() for k, v in self.new.state_dict().items()}
        opt = torch.optim.Adam([p for p in self.new.parameters() if p.requires_grad], lr=1e-2)
        for _ in range(2):
            out = self.new.rd(self.crops[0], torch.tensor([0.7]))
            loss = out["bpp"].mean() + 500 * ((out["x_hat"] - self.crops[0]) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        after = self.new.state_dict()
        for k, v in before.items():
            dim = widen.NEW_M_SLICES.get(k)
            if dim is None:
                self.assertTrue(torch.equal(after[k], v), k)
            else:
                self.assertTrue(torch.equal(after[k].narrow(dim, 0, 8), v.narrow(dim, 0, 8)), k)
        moved = [k for k, d in widen.NEW_M_SLICES.items() if not torch.equal(after[k].narrow(d, 8, 4), before[k].narrow(d, 8, 4))]
        self.assertIn("g_s.0.conv.weight", moved)
        self.assertIn("g_a.6.weight", moved)

    def test_holiday_leaves_the_new_channels_bits_out(self):
        from train import holiday_weight
        self.assertEqual([holiday_weight(s, 10) for s in (0, 10, 15, 20, 30)], [0.0, 0.0, 0.5, 1.0, 1.0])
        self.assertEqual(holiday_weight(0, 0), 1.0)
        net = self.new
        net.eval()
        x, t = self.crops[1], torch.tensor([0.4])
        with torch.no_grad():
            y = net.g_a(x) * net.gain.gain(t)
            torch.manual_seed(5)
            full = net.code(y, t)["bits_y"]
            net.rate_weight = torch.tensor([1.0] * 8 + [0.0] * 4)
            torch.manual_seed(5)
            old_only = net.code(y, t)["bits_y"]
            net.rate_weight = torch.tensor([0.0] * 8 + [1.0] * 4)
            torch.manual_seed(5)
            new_only = net.code(y, t)["bits_y"]
        net.rate_weight = None
        self.assertLess(old_only.item(), full.item())
        self.assertAlmostEqual(old_only.item() + new_only.item(), full.item(), places=2)

    def test_every_model_weights_its_latent_bits(self):
        """rate_weight acts in every model's code() (LearnedCodec.latent_bits): zero weights on all channels leave
        no y bits, and the z bits as they were."""
        from train import build
        x, t = self.crops[2], torch.tensor([0.5])
        for name in ("factorized", "hyperprior", "mean-scale", "checkerboard"):
            net = build(name, 16, 8, 8)
            net.eval()
            with torch.no_grad():
                y = net.g_a(x) * net.gain.gain(t)
                full = net.code(y, t, noise=False)
                net.rate_weight = torch.zeros(8)
                none = net.code(y, t, noise=False)
            self.assertGreater(full["bits_y"].item(), 0, name)
            self.assertEqual(none["bits_y"].item(), 0, name)
            self.assertEqual(none["bits_z"].item(), full["bits_z"].item(), name)


if __name__ == "__main__":
    unittest.main()


@unittest.skipIf(torch is None, "torch not installed")
class ExportWidened(unittest.TestCase):
    def test_a_widened_model_exports_and_reads_back(self):
        """export.write_package of a model whose transforms (Nt = 24) are wider than its entropy model (N = 16):
        the manifest gives both widths, the shared package the transforms' width, and the model read back from
        the package (package_io) computes what the exported one does."""
        import json
        import tempfile
        from export import write_package
        from package_io import read_package, torch_model_from_package
        from train import build
        torch.manual_seed(1)
        net = build("mean-scale", 16, 8, 8, nt=24).eval()
        with tempfile.TemporaryDirectory() as d:
            write_package(net, "mean-scale", d, "f32")
            manifest, T = read_package(os.path.join(d, "mean-scale"))
            with open(os.path.join(d, manifest["uses"][0]["name"], "manifest.json")) as f:
                shared = json.load(f)
        self.assertEqual(manifest["channels"], {"N": 16, "Nt": 24, "M": 8, "Nz": 8})
        self.assertEqual(shared["channels"], {"N": 24, "M": 8})
        self.assertEqual(manifest["transforms"]["analysis"][0]["cout"], 24)
        back = torch_model_from_package(manifest, T)
        self.assertEqual((back.n, back.nt), (16, 24))
        x, t = torch.rand(1, 3, 64, 64), torch.tensor([0.4])
        with torch.no_grad():  # the transforms (the densities' learned parameters travel as train_only tensors)
            self.assertLess((net.g_a(x) - back.g_a(x)).abs().max().item(), 1e-5)
            a, b = net.rd(x, t, noise=False), back.rd(x, t, noise=False)
        self.assertLess((a["x_hat"] - b["x_hat"]).abs().max().item(), 1e-5)

    def test_a_package_is_a_start(self):
        """widen.py --from <package folder> (a fresh clone has no runs/): checkpoint_from_package gives the
        package's widths and a state that computes what the package does, bits included (the densities' learned
        parameters are train_only tensors there)."""
        import tempfile
        from export import write_package
        from package_io import checkpoint_from_package
        from train import build
        torch.manual_seed(2)
        net = build("mean-scale", 16, 8, 8, nt=24).eval()
        with torch.no_grad():  # densities away from their initial values, so one left behind shows in the bits
            for name, p in net.named_parameters():
                if not name.startswith(("g_a.", "g_s.")):
                    p.add_(0.05 * torch.randn_like(p))
        with tempfile.TemporaryDirectory() as d:
            write_package(net, "mean-scale", d, "f32")
            ck = checkpoint_from_package(os.path.join(d, "mean-scale"), "mean-scale")
        self.assertEqual({k: ck["args"][k] for k in ("n", "m", "nz", "nt")}, {"n": 16, "m": 8, "nz": 8, "nt": 24})
        back = build("mean-scale", 16, 8, 8, nt=24)
        back.load_state_dict(ck["model"])
        back.eval()
        x, t = torch.rand(1, 3, 64, 64), torch.tensor([0.7])
        with torch.no_grad():
            a, b = net.rd(x, t, noise=False), back.rd(x, t, noise=False)
        self.assertLess((a["x_hat"] - b["x_hat"]).abs().max().item(), 1e-5)
        self.assertLess(abs(a["bpp"].item() - b["bpp"].item()), 1e-4 * a["bpp"].item())


@unittest.skipIf(torch is None, "torch not installed")
class ExtendLevels(unittest.TestCase):
    """widen.py --levels: anchors above the top one. The old anchors keep what they compute (old anchor i is the
    new t = i / (levels - 1)), the new top lambda goes on at the same log spacing, and the number of anchors
    travels with the weights: load_state_dict, a package (export, package_io) and fit_density's start take it."""

    def setUp(self):
        from train import build
        self.build = build
        torch.manual_seed(4)
        self.x = torch.rand(1, 3, 64, 64)

    def extended(self, model):
        import widen
        old = self.build(model, 16, 8, 8).eval()
        with torch.no_grad():  # levels that differ from one another, so an off-by-one anchor shows
            old.gain.log_gain.add_(0.1 * torch.randn_like(old.gain.log_gain))
        sd = widen.extend_levels(old.state_dict(), 9)
        new = self.build(model, 16, 8, 8)
        new.load_state_dict(sd)  # takes the 9 anchors from the weights
        return old, new.eval()

    def test_old_anchors_compute_the_same_and_the_top_goes_on(self):
        from models import LAMBDA_MAX, LAMBDA_MIN
        for model in ("mean-scale", "factorized"):
            old, new = self.extended(model)
            self.assertEqual(new.gain.levels, 9)
            lam = new.gain.lambdas.double()
            self.assertAlmostEqual(lam[7].item(), LAMBDA_MAX, places=6)
            self.assertAlmostEqual((lam[8] / lam[7]).item(), (LAMBDA_MAX / LAMBDA_MIN) ** (1 / 7), places=4)
            g = new.gain.log_gain.detach()
            self.assertTrue(torch.allclose(g[8] - g[7], g[7] - g[6], atol=1e-6))
            with torch.no_grad():
                for i in (0, 3, 7):
                    a = old.rd(self.x, torch.tensor([i / 7]), noise=False)
                    b = new.rd(self.x, torch.tensor([i / 8]), noise=False)
                    self.assertLess((a["x_hat"] - b["x_hat"]).abs().max().item(), 1e-5, (model, i))
                    self.assertLess(abs(a["bpp"].item() - b["bpp"].item()), 1e-5, (model, i))

    def test_the_anchors_travel_with_a_package_and_into_a_fit(self):
        import tempfile
        from export import write_package
        from fit_density import init_weights
        from package_io import read_package, torch_model_from_package
        _, new = self.extended("factorized")
        with tempfile.TemporaryDirectory() as d:
            write_package(new, "factorized", d, "f32")
            manifest, T = read_package(os.path.join(d, "factorized"))
        self.assertEqual(manifest["rate"]["anchors"], 9)
        self.assertEqual(manifest["rate"]["lambda"]["max"], 0.1638)
        back = torch_model_from_package(manifest, T)
        self.assertEqual(back.gain.levels, 9)
        with torch.no_grad():
            a, b = new.rd(self.x, torch.tensor([1.0]), noise=False), back.rd(self.x, torch.tensor([1.0]), noise=False)
        self.assertLess((a["x_hat"] - b["x_hat"]).abs().max().item(), 1e-5)
        # a fit on these transforms, its densities starting from an 8-anchor model's: 9 levels, the 9th its top
        old8 = self.build("factorized", 16, 8, 8)
        fit = self.build("factorized", 16, 8, 8)
        init_weights(fit, "factorized", new.state_dict(), old8.state_dict())
        self.assertEqual((fit.gain.levels, fit.density.levels), (9, 9))
        d8, d9 = old8.density.biases[0].detach(), fit.density.biases[0].detach()
        self.assertTrue(torch.equal(d9[:8 * 8], d8) and torch.equal(d9[8 * 8:], d8[7 * 8:]))
