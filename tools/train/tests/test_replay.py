"""replay.py turns a package's recorded history back into commands; models.py's defaults are what ships."""
import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import replay  # noqa: E402
from package_io import MODELS_DIR  # noqa: E402


def manifest(prov, ch=None):
    return {"kind": "codec", "channels": ch or {"N": 96, "M": 128, "Nz": 64}, "provenance": prov}


class Replay(unittest.TestCase):
    def test_a_run_begun_by_fits_on_another_packages_transforms(self):
        base = manifest({"steps": 2000, "batch": 6, "crop": 192, "lr_phases": [
            {"from_step": 300, "to_step": 1000, "lr_start": 3e-4, "lr_end": 1e-4},
            {"from_step": 1000, "to_step": 2000, "lr_start": 5e-5, "lr_end": 5e-5}],
            "bf16_steps": [{"from_step": 1500, "to_step": 2000}],
            "density_fits": [{"at_step": 2000, "steps": 400, "batch": 24, "crops": 640, "lr": [1e-3, 1e-4], "hard": True}]},
            {"N": 96, "M": 128})
        top = manifest({"steps": 3500, "batch": 8, "crop": 256,
                        "initialised_from": {"from": "runs/base/calibrated.pt"},
                        "density_fits": [
                            {"at_step": 0, "steps": 1000, "batch": 16, "crops": 2048, "lr": [5e-4, 3e-5],
                             "init_from": "runs/base/calibrated.pt"},
                            {"at_step": 1000, "steps": 1000, "batch": 16, "crops": 2048, "lr": [2e-4, 2e-5], "seed": 6,
                             "continues": True}],
                        "lr_phases": [{"from_step": 50, "to_step": 1000, "lr_start": 5e-4, "lr_end": 3e-5},
                                      {"from_step": 1000, "to_step": 2000, "lr_start": 2e-4, "lr_end": 2e-5},
                                      {"from_step": 2300, "to_step": 3500, "lr_start": 1e-4, "lr_end": 2e-5,
                                       "batch": 8, "crop": 256, "scale": [384, 768], "ema": 0.999}],
                        "bf16_steps": [{"from_step": 2000, "to_step": 3500}],
                        "resumed": [{"from_step": 2000}]})
        lines = [ln for ln in replay.replay("top", {"base": base, "top": top}) if not ln.startswith("#")]
        self.assertEqual(lines, [
            "nice -n 19 python3 tools/train/train.py --model base --n 96 --m 128 --lr 0.0003 --lr-end 0.0001 "
            "--max-steps 1000 --batch 6 --crop 192",
            "nice -n 19 python3 tools/train/train.py --model base --n 96 --m 128 --lr 5e-05 --max-steps 2000 "
            "--batch 6 --crop 192 --bf16",
            "python3 tools/train/fit_density.py --model base --hard --steps 400 --crops 640 --batch 24 --lr 0.001 "
            "--lr-end 0.0001 --out tools/train/runs/base/calibrated.pt",
            "python3 tools/train/export.py --model base --ckpt tools/train/runs/base/calibrated.pt",
            "python3 tools/train/fit_density.py --model top --init-from tools/train/runs/base/calibrated.pt "
            "--steps 1000 --crops 2048 --batch 16 --lr 0.0005 --lr-end 3e-05",
            "python3 tools/train/fit_density.py --model top --steps 1000 --crops 2048 --batch 16 --lr 0.0002 "
            "--lr-end 2e-05 --seed 6",
            "nice -n 19 python3 tools/train/train.py --model top --n 96 --m 128 --nz 64 --lr 0.0001 --lr-end 2e-05 "
            "--max-steps 3500 --batch 8 --crop 256 --scale 384 768 --ema 0.999 --bf16",
            "python3 tools/train/export.py --model top --ckpt tools/train/runs/top/ckpt.pt",
        ])
        notes = [ln for ln in replay.replay("top", {"base": base, "top": top}) if ln.startswith("#")]
        self.assertTrue(any("fresh Adam" in n for n in notes), notes)

    def test_a_package_refitted_on_its_descendant_is_not_retraced_as_its_ancestor(self):
        # top began from base's checkpoint at step 2000; base was later refitted on top's transforms (300 steps):
        # the base shipped now is not top's ancestor, and following names alone would loop
        fit = {"at_step": 0, "steps": 300, "batch": 16, "crops": 64, "lr": [3e-4, 2e-5]}
        base = manifest({"steps": 300, "initialised_from": {"from": "../../public/models/top", "step": 900},
                         "density_fits": [dict(fit, init_from="../../public/models/top",
                                               entropy_from="../../public/models/base")]})
        top = manifest({"steps": 900, "initialised_from": {"from": "runs/base/calibrated.pt", "step": 2000},
                        "density_fits": [dict(fit, steps=900, init_from="runs/base/calibrated.pt")]})
        ms = {"base": base, "top": top}
        lines = replay.replay("base", ms)
        self.assertEqual([ln for ln in lines if ln.startswith("# ---")],
                         ["# --- base: 300 steps, 0 CPU-hours (exported None)", "# --- top: 900 steps, 0 CPU-hours (exported None)"])
        self.assertTrue(any("at step 2000: an earlier version of base (shipped now at step 300)" in ln for ln in lines), lines)
        self.assertTrue(any(ln.startswith("# the fit's entropy model started from public/models/base") for ln in lines))
        self.assertTrue(lines[-1].startswith("python3 tools/train/export.py --model base "), lines[-1])
        # the same version (steps = the recorded step) is retraced first
        top["provenance"]["initialised_from"]["step"] = 300
        base["provenance"].pop("initialised_from")
        self.assertEqual(sum(ln.startswith("# --- ") for ln in replay.replay("top", ms)), 2)

    def test_every_shipped_package_replays_to_its_own_export(self):
        ms = replay.load_manifests(MODELS_DIR)
        self.assertTrue(ms)
        for name in ms:
            lines = replay.replay(name, ms)
            self.assertTrue(lines[-1].startswith(f"python3 tools/train/export.py --model {name} "), lines[-1])


class FitCommands(unittest.TestCase):
    def test_a_recorded_fit_reads_back_as_its_command(self):
        from commands import fit_command
        self.assertEqual(fit_command("m", {"steps": 10, "crops": 64, "batch": 4, "lr": [1e-3, 1e-4]}),
                         "python3 tools/train/fit_density.py --model m --steps 10 --crops 64 --batch 4 --lr 0.001 "
                         "--lr-end 0.0001")
        self.assertEqual(fit_command("m", {"steps": 10, "crops": 64, "batch": 4, "lr": [1e-3, 1e-4], "seed": 6,
                                           "hard": True, "init_from": "../../public/models/mean-scale"}, "o.pt"),
                         "python3 tools/train/fit_density.py --model m --init-from public/models/mean-scale --hard "
                         "--steps 10 --crops 64 --batch 4 --lr 0.001 --lr-end 0.0001 --seed 6 --out o.pt")


try:
    import torch  # noqa: F401
except ImportError:
    torch = None


@unittest.skipIf(torch is None, "needs torch")
class AgreesWithTheTrainingCode(unittest.TestCase):
    def test_model_defaults_are_the_shipped_widths(self):
        import models
        for name, mf in replay.load_manifests(MODELS_DIR).items():
            net = models.MODELS[mf["architecture"]]()
            ch = mf["channels"]
            self.assertEqual((net.n, net.m), (ch["N"], ch["M"]), name)
            if "Nz" in ch:
                self.assertEqual(net.nz, ch["Nz"], name)


if __name__ == "__main__":
    unittest.main()
