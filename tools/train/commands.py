"""Command lines rebuilt from a package's recorded history (no torch needed): used by fit_density.py, export.py's
provenance and replay.py."""
import os

SEED = 5  # fit_density.py's default --seed


def repo_path(p):
    """A path recorded relative to tools/train, as the repository-relative path a command line takes."""
    return os.path.normpath(os.path.join("tools/train", p))


def fit_command(model, fit, out=None):
    """The command line that repeats a fit recorded in `density_fits` (export's provenance, the model cards)."""
    return (f"python3 tools/train/fit_density.py --model {model}"
            + (f" --init-from {repo_path(fit['init_from'])}" if fit.get("init_from") else "")
            + (f" --entropy-from {repo_path(fit['entropy_from'])}" if fit.get("entropy_from") else "")
            + (" --hard" if fit.get("hard") else "")
            + f" --steps {fit['steps']} --crops {fit['crops']} --batch {fit['batch']}"
              f" --lr {fit['lr'][0]:g} --lr-end {fit['lr'][1]:g}"
            + (f" --seed {fit['seed']}" if fit.get("seed", SEED) != SEED else "") + (f" --out {out}" if out else ""))


def run_fits(fits):
    """The fits that make up a run begun by fit_density.py --init-from: that fit and the ones that continued it
    (they count the run's steps; later fits do not)."""
    if not fits or not fits[0].get("init_from"):
        return []
    n = 1
    while n < len(fits) and fits[n].get("continues"):
        n += 1
    return fits[:n]
