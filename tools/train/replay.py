"""The commands that retrace a shipped model's training, read from its package's provenance.

    /usr/bin/python3 tools/train/replay.py --model mean-scale            # print them
    /usr/bin/python3 tools/train/replay.py --model mean-scale --execute  # run them, one after the other

A package records its history (export.py): the density fits (`density_fits`, with the fit that started the run
from another run's checkpoint, `initialised_from`), the learning-rate phases of train.py (`lr_phases`, one
geometric --lr ... --lr-end decay each), the step ranges trained in bfloat16 (`bf16_steps`) and the batch and
crop sizes. This script turns them back into fit_density.py and train.py invocations in step order: first the
package the run started from (recursively, e.g. mean-scale's transforms came from factorized), then the fits
that began the run, then one `train.py --max-steps` invocation per lr phase (train.py resumes its own
checkpoint, so the phases chain), with the fits made in the middle of a run at their step, then export.py.

What it cannot restore is said in comments in its output: the photos of runs from before tools/train/lists
(provenance `data`), the fresh Adam state where the original run restarted from a package (`resumed`), and
wall-time-based lr decays (replayed over steps, which is what they approximate)."""
import argparse
import json
import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from commands import fit_command, repo_path, run_fits  # noqa: E402
from package_io import MODELS_DIR  # noqa: E402

PY = "/usr/bin/python3"


def in_bf16(phase, bf16_steps):
    return any(r["from_step"] < phase["to_step"] and phase["from_step"] < r["to_step"] for r in bf16_steps or [])


def replay(model, manifests, channels=None, out=None, _within=frozenset()):
    """Lines (commands and '# ...' comments) that retrace `model`'s package. manifests: name -> manifest dict.
    out: where a final calibration fit should write (a package another one was initialised from). A package is
    retraced first only if it is still the version the run began from (its steps = the recorded step)."""
    m = manifests[model]
    p = m.get("provenance") or {}
    ch = m.get("channels", channels or {})
    lines = [f"# --- {model}: {p.get('steps', 0)} steps, {p.get('cpu_hours', 0)} CPU-hours (exported {p.get('exported')})"]
    if p.get("data"):
        lines.append(f"# data then: {p['data']}")
    init = p.get("initialised_from") or {}
    src = init.get("from")
    if src:  # runs/<model>/<file>.pt or a shipped package: retrace that package first
        parts = src.split("/")
        pkg = repo_path(src).split("/")
        name, kw = None, {}
        if len(parts) == 3 and parts[0] == "runs" and parts[1] in manifests:
            name, kw = parts[1], {"out": f"tools/train/{src}"}
        elif len(pkg) == 3 and pkg[:2] == ["public", "models"] and pkg[2] in manifests:
            name = pkg[2]
        now = name and (manifests[name].get("provenance") or {}).get("steps")
        if name and name not in _within and (init.get("step") is None or init["step"] == now):
            lines += replay(name, manifests, **kw, _within=_within | {model})
        elif name:  # a package shipped later under that name (e.g. refitted on this one's transforms)
            lines.append(f"# initialised from {src} at step {init.get('step')}: an earlier version of {name} (shipped "
                         f"now at step {now}); retrace it from git history (git log -- public/models/{name}/manifest.json)")
        else:
            lines.append(f"# initialised from {src}, which is not a shipped package: retrace it by hand")
    for f in p.get("density_fits") or []:
        if f.get("entropy_from"):
            lines.append(f"# the fit's entropy model started from {repo_path(f['entropy_from'])} as shipped before this "
                         "export: check that version out to repeat it exactly")
    fits = p.get("density_fits") or []
    first = run_fits(fits)
    covered = first[-1]["at_step"] + first[-1]["steps"] if first else 0
    lines += [fit_command(model, f) for f in first]
    resumed = {r["from_step"] for r in p.get("resumed", [])}
    later = [f for f in fits if f not in first]
    events = [(ph["from_step"], 1, ph) for ph in p.get("lr_phases", []) if ph["to_step"] > covered + 50]
    events += [(f["at_step"], 0 if not f.get("hard") else 2, f) for f in later]
    dims = f"--n {ch.get('N')} --m {ch.get('M')}" + (f" --nz {ch['Nz']}" if "Nz" in ch else "")
    first_train = True
    for at, kind, e in sorted(events, key=lambda x: (x[0], x[1])):
        if kind == 1:
            if any(abs(at - r) <= 350 for r in resumed):
                lines.append(f"# step {at}: the original run restarted here from its exported package with a fresh Adam "
                             "(train.py resumes its checkpoint and keeps Adam)")
            lr = f"--lr {e['lr_start']:g}" + (f" --lr-end {e['lr_end']:g}" if e["lr_end"] != e["lr_start"] else "")
            opts = [f"--batch {e.get('batch', p.get('batch'))}", f"--crop {e.get('crop', p.get('crop'))}"]
            if e.get("scale"):
                opts.append(f"--scale {e['scale'][0]} {e['scale'][1]}")
            if e.get("ema"):
                opts.append(f"--ema {e['ema']:g}")
            if in_bf16(e, p.get("bf16_steps")):
                opts.append("--bf16")
            init = f" --init-from {repo_path(src)}" if src and first_train and not first else ""
            lines.append(f"nice -n 19 python3 tools/train/train.py --model {model} {dims}{init} {lr} "
                         f"--max-steps {e['to_step']} {' '.join(opts)}")
            first_train = False
        else:
            hard_out = out if kind == 2 and out else None
            lines.append(fit_command(model, e, hard_out))
    if out and not any(f.get("hard") for f in later):
        lines.append(f"cp tools/train/runs/{model}/ckpt.pt {out}")
    ckpt = out or f"tools/train/runs/{model}/ckpt.pt"
    lines.append(f"python3 tools/train/export.py --model {model} --ckpt {ckpt}")
    return lines


def load_manifests(models_dir=MODELS_DIR):
    out = {}
    for name in sorted(os.listdir(models_dir)):
        path = os.path.join(models_dir, name, "manifest.json")
        if os.path.exists(path):
            with open(path) as f:
                mf = json.load(f)
            if mf.get("kind") == "codec":
                out[name] = mf
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--models-dir", default=MODELS_DIR)
    ap.add_argument("--execute", action="store_true", help="run the commands (from the repository root)")
    args = ap.parse_args()
    manifests = load_manifests(args.models_dir)
    if args.model not in manifests:
        sys.exit(f"replay: no codec package {args.model!r} in {args.models_dir} ({', '.join(manifests)})")
    lines = replay(args.model, manifests)
    if not args.execute:
        print("\n".join(lines))
        return
    root = os.path.dirname(os.path.dirname(HERE))
    for line in lines:
        print(line, flush=True)
        if line.startswith("#"):
            continue
        cmd = shlex.split(line)
        cmd = [PY if c == "python3" else c for c in cmd]
        subprocess.run(cmd, cwd=root, check=True)


if __name__ == "__main__":
    main()
