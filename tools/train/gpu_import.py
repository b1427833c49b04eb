"""Bring a GPU burst's results (gpu_burst.sh: <model>.pt and <model>-log.csv in the device tool's files folder)
into tools/train/runs/<model>/, so that `train.py --model <model>` continues them on the CPU (fresh optimizer;
the weights-only checkpoint says so) and export.py records the burst. An existing run folder is kept aside as
runs/<model>.before-gpu (its unexported steps are superseded: the burst started from the committed package).

    /usr/bin/python3 tools/train/gpu_import.py /work/.device/<files folder>
"""
import argparse
import os
import shutil

import torch

from package_io import copy_logs

HERE = os.path.dirname(os.path.abspath(__file__))
RUNS = os.path.join(HERE, "runs")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder")
    ap.add_argument("--models", nargs="+", default=["mean-scale", "factorized", "hyperprior"])
    ap.add_argument("--runs", default=RUNS, help="where the run folders are (default tools/train/runs)")
    args = ap.parse_args()
    found = {}
    for m in args.models:  # check them all before moving anything
        src = os.path.join(args.folder, m + ".pt")
        if not os.path.exists(src):
            print(f"[gpu_import] {m}: no {src}, skipped")
            continue
        ck = torch.load(src, map_location="cpu", weights_only=False)
        if "opt" in ck or "model" not in ck or not ck.get("bursts"):
            raise SystemExit(f"{src} is not a weights-only checkpoint of a GPU burst; nothing was imported")
        found[m] = ck
    for m, ck in found.items():
        run = os.path.join(args.runs, m)
        if os.path.exists(run):
            aside = run + ".before-gpu"
            shutil.rmtree(aside, ignore_errors=True)
            os.replace(run, aside)
        os.makedirs(run)
        shutil.copyfile(os.path.join(args.folder, m + ".pt"), os.path.join(run, "ckpt.pt"))  # checked above
        shutil.copyfile(os.path.join(args.folder, m + "-log.csv"), os.path.join(run, "log.csv"))
        copy_logs(os.path.join(HERE, "logs", m), run, overwrite=False)  # the committed val.csv goes on here
        b = ck["bursts"][-1]
        print(f"[gpu_import] {m}: step {b['from_step']} -> {b['to_step']} in {b['gpu_s'] / 60:.1f} GPU-minutes "
              f"on {b['device']}; continue with train.py --model {m}")


if __name__ == "__main__":
    main()
