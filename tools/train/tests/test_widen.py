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
