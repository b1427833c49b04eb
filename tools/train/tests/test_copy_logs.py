"""package_io.copy_logs: an export leaves tools/train/logs/<model> with exactly the run's logs (a fit has no
val.csv, so an earlier run's validation must not stay beside its log); seeding a run (overwrite=False) keeps what
the run folder already has."""
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
try:
    import torch  # noqa: F401  (package_io imports it)
except ImportError:  # pragma: no cover
    torch = None


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def read(path):
    with open(path) as f:
        return f.read()


@unittest.skipIf(torch is None, "torch not installed")
class CopyLogs(unittest.TestCase):
    def test_export_mirrors_the_run(self):
        from package_io import copy_logs
        with tempfile.TemporaryDirectory() as run, tempfile.TemporaryDirectory() as logs:
            write(os.path.join(run, "log.csv"), "step\n50\n")
            write(os.path.join(logs, "log.csv"), "step\n1\n")
            write(os.path.join(logs, "val.csv"), "old validation\n")
            copy_logs(run, logs)
            self.assertEqual(sorted(os.listdir(logs)), ["log.csv"])
            self.assertEqual(read(os.path.join(logs, "log.csv")), "step\n50\n")
            write(os.path.join(run, "val.csv"), "new validation\n")
            copy_logs(run, logs)
            self.assertEqual(read(os.path.join(logs, "val.csv")), "new validation\n")

    def test_seeding_keeps_the_runs_own(self):
        from package_io import copy_logs
        with tempfile.TemporaryDirectory() as logs, tempfile.TemporaryDirectory() as run:
            write(os.path.join(logs, "log.csv"), "committed\n")
            write(os.path.join(logs, "val.csv"), "committed val\n")
            write(os.path.join(run, "log.csv"), "the run's\n")
            copy_logs(logs, run, overwrite=False)
            self.assertEqual(read(os.path.join(run, "log.csv")), "the run's\n")
            self.assertEqual(read(os.path.join(run, "val.csv")), "committed val\n")
            os.remove(os.path.join(logs, "val.csv"))
            copy_logs(logs, run, overwrite=False)  # nothing is removed from a run folder
            self.assertTrue(os.path.exists(os.path.join(run, "val.csv")))


if __name__ == "__main__":
    unittest.main()
