"""export.lr_phases reads a run's learning-rate history from its log.csv: a geometric decay is one phase, a restart
with another --lr (the lr rises, or falls by more than 30 % in one row) starts another."""
import math
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from export import lr_phases  # noqa: E402


def log(rows):
    f = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
    f.write("step,lr\n" + "".join(f"{s},{lr}\n" for s, lr in rows))
    f.close()
    return f.name


def decay(first, steps, lr0, lr1):
    """Rows every 50 steps of a geometric decay from lr0 to lr1 over `steps` steps (fit_density's schedule)."""
    return [(first + k, lr0 * (lr1 / lr0) ** (k / steps)) for k in range(50, steps + 1, 50)]


class LrPhases(unittest.TestCase):
    def test_two_fits_one_after_the_other(self):
        # the shipped checkerboard: 6000 steps 3e-4 -> 2e-5 (2.2 % per row), then 4000 steps 1.5e-4 -> 1e-5 (3.3 %)
        rows = decay(0, 6000, 3e-4, 2e-5) + decay(6000, 4000, 1.5e-4, 1e-5)
        ph = lr_phases(log(rows), warmup=0)
        self.assertEqual([(p["from_step"], p["to_step"]) for p in ph], [(0, 6000), (6000, 10000)])
        self.assertAlmostEqual(ph[1]["lr_end"], 1e-5)
        self.assertTrue(math.isclose(ph[1]["lr_start"], 1.5e-4 * (1e-5 / 1.5e-4) ** (50 / 4000), rel_tol=1e-2))

    def test_a_restart_at_a_much_lower_lr_is_a_phase_of_its_own(self):
        rows = [(s, 1e-4) for s in range(50, 1001, 50)] + [(s, 2e-5) for s in range(1050, 2001, 50)]
        ph = lr_phases(log(rows), warmup=0)
        self.assertEqual([(p["from_step"], p["to_step"], p["lr_start"]) for p in ph], [(0, 1000, 1e-4), (1000, 2000, 2e-5)])


if __name__ == "__main__":
    unittest.main()
