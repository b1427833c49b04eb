"""entropy_tables.py against the TypeScript side's known answers: the Gaussian tables every runtime builds
(src/codecs/entropy/fixtures/gaussian-tables.json, which tables.test.ts checks the TypeScript builder against) and
the factorized level mix of each shipped package (its manifest's selftest, checked by package.test.ts)."""
import hashlib
import json
import os
import struct
import sys
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.dirname(HERE))
import entropy_tables as et  # noqa: E402
from package_io import MODELS_DIR, read_package  # noqa: E402


class GaussianTables(unittest.TestCase):
    def test_bit_identical_to_the_typescript_known_answers(self):
        with open(os.path.join(REPO, "src/codecs/entropy/fixtures/gaussian-tables.json")) as f:
            cases = json.load(f)["cases"]
        self.assertEqual(len(cases), 3)
        for case in cases:
            with self.subTest(case["name"]):
                t = et.build_gaussian_tables(case["scales"], case["tailMass"])
                self.assertEqual(t["multiplier"], case["multiplier"])
                self.assertEqual(t["lengths"], case["lengths"])
                self.assertEqual(t["offsets"], case["offsets"])
                self.assertEqual(len(t["cdf"]), case["cdfEntries"])
                self.assertEqual(t["cdf"][:64], case["cdfHead"])
                raw = struct.pack("<%di" % len(t["cdf"]), *t["cdf"])
                self.assertEqual(hashlib.sha256(raw).hexdigest(), case["cdfSha256"])

    def test_every_row_is_a_valid_cdf(self):
        t = et.build_gaussian_tables(et.scale_table(), et.TAIL_MASS)
        for s, n in zip(t["starts"], t["lengths"]):
            row = np.array(t["cdf"][s:s + n])
            self.assertEqual(row[0], 0)
            self.assertEqual(row[-1], 1 << et.PRECISION)
            self.assertTrue((np.diff(row) >= 1).all())  # every symbol, the escape included, keeps a nonzero frequency


class FactorizedLevelMix(unittest.TestCase):
    def test_the_shipped_factorized_selftest(self):
        manifest, T = read_package(os.path.join(MODELS_DIR, "factorized"))
        y = manifest["entropy"]["y"]
        mixed = et.mix_level_tables(T[y["cdf"]], T[y["starts"]], T[y["lengths"]], T[y["offsets"]], y["levels"],
                                    y["selftest"]["t"])[0]
        np.testing.assert_array_equal(np.asarray(mixed), np.asarray(T[y["selftest"]["cdf"]]))

    def test_ideal_bits_of_a_known_pmf(self):
        # one table with pmf (1/4, 1/2, 1/4) over symbols -1, 0, 1 (+ an escape): 0 costs 1 bit, +-1 two bits
        row = et.pmf_to_quantized_cdf([0.25, 0.5, 0.25, 0.0])
        bits, esc = et.ideal_bits([0, 1, -1, 0], [0, 0, 0, 0], row, [0], [len(row)], [-1])
        self.assertAlmostEqual(bits, 6.0, delta=0.01)
        self.assertEqual(esc, 0)


if __name__ == "__main__":
    unittest.main()
