"""eval.old_data_note: a model card says so when the weights inherit training on benchmark photos (the data before
2026-12-06): a whole old run, the steps before a run continued on the new data, or the shared transforms it was fitted
on; a model trained only on the new data gets no note."""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from eval import codec_manifests, old_data_note, plot_marks  # noqa: E402
from package_io import MODELS_DIR  # noqa: E402

NEW_DATA = "tools/train/fetch_data.py: 330 training photos (…), each crop's photo rescaled to a short side log-uniform"
OLD_DATA = "tools/train/fetch_data.py: 49 training photos from Debian packages (see tools/train/README.md)"


def manifest(data, resumed=None, uses=("transforms-0123abcd",)):
    return {"provenance": {"data": data, **({"resumed": resumed} if resumed else {})},
            "uses": [{"name": u} for u in uses]}


class OldDataNote(unittest.TestCase):
    def test_new_data_and_new_transforms_get_no_note(self):
        self.assertEqual(old_data_note(manifest(NEW_DATA)), "")
        # a continuation of a package exported after the benchmark existed inherits nothing old
        self.assertEqual(old_data_note(manifest(NEW_DATA, [{"from_step": 40000, "exported": "2026-12-07"}])), "")

    def test_a_whole_old_run(self):
        note = old_data_note(manifest(OLD_DATA))
        self.assertIn("trained before the benchmark existed", note)
        self.assertIn("3 of the 24 benchmark photos", note)

    def test_a_run_continued_on_the_new_data(self):
        note = old_data_note(manifest(NEW_DATA, [{"from_step": 10815, "exported": "2026-11-26"},
                                                 {"from_step": 30000, "exported": "2026-12-02"}]))
        self.assertIn("first 30000 steps", note)
        self.assertIn("3 of the 24 benchmark photos", note)

    def test_a_fit_on_old_shared_transforms(self):
        factorized = manifest(OLD_DATA, uses=("transforms-d8836cb8",))  # a package whose own history is old
        note = old_data_note(manifest(NEW_DATA, uses=("transforms-d8836cb8",)), [factorized])
        # the same fit on transforms no old package uses inherits nothing
        self.assertEqual(old_data_note(manifest(NEW_DATA, uses=("transforms-0123abcd",)), [factorized]), "")
        self.assertIn("`transforms-d8836cb8`", note)
        self.assertIn("3 of the 24 benchmark photos", note)

    def test_every_shipped_model_that_inherits_old_training_says_so(self):
        shipped = codec_manifests()
        self.assertGreaterEqual(len(shipped), 4)
        for m in shipped:
            name = m["name"]
            note = old_data_note(m, [o for o in shipped if o["name"] != name])
            # every shipped model so far descends from the runs before 2026-12-06
            self.assertIn("3 of the 24 benchmark photos", note, name)
            with open(os.path.join(MODELS_DIR, name, "README.md")) as f:
                self.assertIn(note, f.read().replace("\n", " "), name)



class PlotMarks(unittest.TestCase):
    def test_where_the_data_changed_and_plain_resumes(self):
        m = manifest(NEW_DATA, [{"from_step": 10815, "exported": "2026-11-26"},
                                {"from_step": 40000, "exported": "2026-12-07"}])
        self.assertEqual(plot_marks(m), [(10815, "new data (whole scenes)"), (40000, "resumed")])
        # of two resumes before the benchmark existed, the later one is where the data changed
        m = manifest(NEW_DATA, [{"from_step": 10815, "exported": "2026-11-26"},
                                {"from_step": 30000, "exported": "2026-12-02"}])
        self.assertEqual(plot_marks(m), [(10815, "resumed"), (30000, "new data (whole scenes)")])
        # a run that never left the old data changed nothing where it resumed
        self.assertEqual(plot_marks(manifest(OLD_DATA, [{"from_step": 5000, "exported": "2026-11-20"}])),
                         [(5000, "resumed")])
        self.assertEqual(plot_marks(manifest(NEW_DATA)), [])


if __name__ == "__main__":
    unittest.main()
