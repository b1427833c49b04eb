"""fit_density.init_weights, the start of a new run on copied transforms (--init-from): the transforms and gains
come from one source and nothing else does; a checkerboard starts from mean-scale's hyper-prior with its context
heads equal to mean-scale's heads, or (--entropy-from) with the whole entropy model of another checkerboard; a
source without the tensors the start needs is refused; the recorded fit repeats as a command with both sources."""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
try:
    import torch
except ImportError:  # pragma: no cover
    torch = None

from commands import fit_command  # noqa: E402

DIMS = (16, 8, 8)  # small N, M, Nz: the copying does not depend on the widths


def randomised(net, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.randn(p.shape, generator=g))
    return {k: v.clone() for k, v in net.state_dict().items()}


@unittest.skipIf(torch is None, "torch not installed")
class InitWeights(unittest.TestCase):
    def setUp(self):
        from fit_density import init_weights
        from models import TRANSFORMS
        from train import build
        self.init_weights, self.T, self.build = init_weights, TRANSFORMS, build
        self.ms_w = randomised(build("mean-scale", *DIMS), 1)       # a fine-tuned mean-scale: new transforms
        self.cb_w = randomised(build("checkerboard", *DIMS), 2)     # the shipped checkerboard: old transforms

    def test_entropy_from_takes_the_whole_entropy_model_and_nothing_else(self):
        net = self.build("checkerboard", *DIMS)
        randomised(net, 3)
        copied, from_entropy = self.init_weights(net, "checkerboard", self.ms_w, self.cb_w)
        got = net.state_dict()
        self.assertTrue(from_entropy and copied)
        for k, v in got.items():
            want = self.ms_w[k] if k.startswith(self.T) else self.cb_w[k]
            self.assertTrue(torch.equal(v, want), k)
        self.assertTrue(all(k.startswith(self.T) for k in copied))
        self.assertFalse(any(k.startswith(self.T) for k in from_entropy))

    def test_checkerboard_without_entropy_source_starts_at_mean_scale(self):
        net = self.build("checkerboard", *DIMS)
        self.init_weights(net, "checkerboard", self.ms_w)
        got = net.state_dict()
        for k, v in self.ms_w.items():  # transforms and the whole hyper-prior are mean-scale's
            self.assertTrue(torch.equal(got[k], v), k)
        n = DIMS[0]
        self.assertTrue(torch.equal(got["ctx_mean_head.2.weight"], self.ms_w["mean_head.2.weight"]))
        wide = got["ctx_scale_head.conv.weight"]
        self.assertTrue(torch.equal(wide[:, :n], self.ms_w["scale_head.conv.weight"]))
        self.assertEqual(float(wide[:, n:].abs().max()), 0.0)  # the context features start unread

    def test_mean_scale_starts_with_a_fresh_entropy_model(self):
        net = self.build("mean-scale", *DIMS)
        fresh = {k: v.clone() for k, v in net.state_dict().items()}
        self.init_weights(net, "mean-scale", self.ms_w)
        for k, v in net.state_dict().items():
            self.assertTrue(torch.equal(v, self.ms_w[k] if k.startswith(self.T) else fresh[k]), k)

    def test_sources_lacking_tensors_are_refused(self):
        wide = randomised(self.build("checkerboard", 16, 12, 8), 4)  # another M: no tensor of the right shape
        with self.assertRaises(SystemExit):
            self.init_weights(self.build("checkerboard", *DIMS), "checkerboard", wide)
        with self.assertRaises(SystemExit):
            self.init_weights(self.build("checkerboard", *DIMS), "checkerboard", self.ms_w, wide)
        with self.assertRaises(SystemExit):  # a mean-scale has no context to give
            self.init_weights(self.build("checkerboard", *DIMS), "checkerboard", self.ms_w, self.ms_w)


class Command(unittest.TestCase):
    def test_the_recorded_fit_names_both_sources(self):
        fit = {"init_from": "../../public/models/mean-scale", "entropy_from": "../../public/models/checkerboard",
               "steps": 3000, "crops": 1024, "batch": 16, "lr": [1.5e-4, 1e-5]}
        self.assertEqual(fit_command("checkerboard", fit),
                         "python3 tools/train/fit_density.py --model checkerboard --init-from public/models/mean-scale"
                         " --entropy-from public/models/checkerboard --steps 3000 --crops 1024 --batch 16"
                         " --lr 0.00015 --lr-end 1e-05")
        del fit["entropy_from"]
        self.assertNotIn("--entropy-from", fit_command("checkerboard", fit))


if __name__ == "__main__":
    unittest.main()
