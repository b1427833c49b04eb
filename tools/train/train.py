#!/usr/bin/env python3
"""Train one of RD Lab's learned codecs (variable rate), resumably.

    nice -n 19 /usr/bin/python3 tools/train/train.py --model mean-scale --minutes 60

- Runs on CUDA when available, else CPU (all cores).
- Checkpoints (weights + optimizer + step + RNG) every --ckpt-minutes (default 5) to tools/train/runs/<model>/
  (git-ignored). Stop it at any moment (Ctrl-C / SIGTERM saves a last checkpoint) and run the same command to
  resume. Without a checkpoint it starts from the committed package in public/models/<model>/ (if any), or
  from --init-from another run's checkpoint (transforms are shared between architectures), or from scratch.
- Each step draws one rate t ~ U[0,1] per image: lambda(t) log-spaced in [0.0018, 0.0932] (up to 0.164 with a 9th anchor, widen.py --levels);
  loss = mean(lambda * 255^2 * MSE + bpp).
- After widen.py --m: --new-from/--only-new/--holiday teach the synthesis to read the new latent channels with the
  rest frozen and their bits free at first; --fresh-optimizer then trains everything (widen.py's docstring).
- Logs every 50 steps to runs/<model>/log.csv (step, wall and CPU seconds, loss, bpp, PSNR, lr) and validates
  on the held-out photos every --val-every steps (runs/<model>/val.csv).
"""
import argparse
import csv
import ctypes
import glob
import json
import math
import os
import signal
import sys
import time

import numpy as np
import torch
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from data import DATA, CropSampler, load_split, pad_to  # noqa: E402
from metrics import bd_rate  # noqa: E402
from layers import RateFactorizedDensity  # noqa: E402
from models import MODELS, SHIPPED_M, SHIPPED_N, SHIPPED_NZ, levels_in  # noqa: E402

RUNS = os.path.join(HERE, "runs")
BENCH = os.path.join(os.path.dirname(os.path.dirname(HERE)), "bench")


def val_ts(net):
    """The gain units' anchors, where validation measures: every one must still buy PSNR."""
    levels = net.gain.levels
    return tuple(k / (levels - 1) for k in range(levels))


def build(model_name, n, m, nz, nt=None):
    """nt: the transforms' inner width when it differs from the entropy model's n (widen.py --nt)."""
    cls = MODELS[model_name]
    return cls(n, m, nt=nt) if model_name == "factorized" else cls(n, m, nz, nt=nt)


def psnr(a, b):
    mse = torch.mean((a - b) ** 2, dim=(1, 2, 3)).clamp(min=1e-12)
    return 10 * torch.log10(1.0 / mse)


@torch.no_grad()
def validate(net, imgs, device, ts=(0.0, 0.5, 1.0), size=512):
    """Mean bpp (the model's estimate) and PSNR per t, hard rounding (noise off), always in float32 as export and
    eval run the model (--bf16 is for training steps only). size: centre crops of that size (the old validation
    crops); None: the whole images (the benchmark photos)."""
    net.eval()
    bf16, net.bf16 = net.bf16, False
    try:
        return [(t, *_validate_at(net, imgs, device, t, size)) for t in ts]
    finally:
        net.train()
        net.bf16 = bf16


def _validate_at(net, imgs, device, t, size):
    """Mean (bpp, PSNR) of the validation images (or their centre crops) at rate t."""
    bpps, psnrs = [], []
    for im in imgs:
        h, w = im.shape[1], im.shape[2]
        if size:
            s = min(size, h, w)
            y0, x0 = (h - s) // 2, (w - s) // 2
            im = im[:, y0:y0 + s, x0:x0 + s]
        x = im.float().div(255).unsqueeze(0).to(device)
        xp, (hh, ww) = pad_to(x, net.downsampling)
        out = net.rd(xp, torch.full((1,), t, device=device), noise=False)
        x_hat = out["x_hat"][:, :, :hh, :ww].clamp(0, 1)
        x_hat = torch.round(x_hat * 255) / 255
        bpps.append(float(out["bpp"]) * xp.shape[2] * xp.shape[3] / (hh * ww))
        psnrs.append(float(psnr(x_hat, x)))
    return sum(bpps) / len(bpps), sum(psnrs) / len(psnrs)


def benchmark_val(every=2):
    """The benchmark photos training validates on: every `every`-th of bench/photos (prepared by `npm run benchmark
    -- --prepare`), and the curves of MozJPEG, WebP, AVIF and the shipped mean-scale on the same photos from
    bench/results/<codec>.json where they exist (each validation then prints its BD-rate against them; the model's
    bpp estimate is within ~1.5 % of the real file sizes, and BD-rates from it within ~0.4 points)."""
    files = sorted(glob.glob(os.path.join(BENCH, "photos", "*.png")))[::every]
    if not files:
        raise SystemExit(f"no benchmark photos in {BENCH}/photos: run `npm run benchmark -- --prepare` first")
    imgs = [torch.from_numpy(np.array(Image.open(f).convert("RGB"))).permute(2, 0, 1).contiguous() for f in files]
    names = {os.path.basename(f) for f in files}
    anchors = {}
    for codec in ("jpeg", "webp", "avif", "mean-scale"):
        path = os.path.join(BENCH, "results", f"{codec}.json")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            r = json.load(f)
        per = [im["points"] for im in r["images"] if im["file"] in names]
        if len(per) == len(files):
            n = len(per[0])
            anchors[codec] = ([sum(p[i]["bpp"] for p in per) / len(per) for i in range(n)],
                              [sum(p[i]["psnr"] for p in per) / len(per) for i in range(n)])
    return files, imgs, anchors


def weights_of(ck):
    """The weights a checkpoint stands for: its moving average when it keeps one (train.py --ema), else the raw
    weights. Export, fits on frozen transforms and validation use these."""
    return ck.get("ema") or ck["model"]


class Ema:
    """Exponential moving average of a model's floating-point state (integer buffers copied), with the usual
    warm-up (decay min(d, (1+n)/(10+n)) after n updates) so a fresh average is not dominated by its start."""

    def __init__(self, net, decay, state=None, n=0):
        own = net.state_dict()
        ok = state is not None and state.keys() == own.keys() and all(state[k].shape == v.shape for k, v in own.items())
        self.state = {k: (state[k] if ok else v).detach().clone() for k, v in own.items()}
        self.decay, self.n = decay, (n if ok else 0)

    @torch.no_grad()
    def update(self, net):
        self.n += 1
        d = min(self.decay, (1 + self.n) / (10 + self.n))
        for k, v in net.state_dict().items():
            if v.dtype.is_floating_point:
                self.state[k].mul_(d).add_(v.detach(), alpha=1 - d)
            else:
                self.state[k].copy_(v)


def widen_opt_state(opt):
    """Adam moments saved before a density gained per-level rows (models.Factorized.load_state_dict) are
    repeated for every level like the parameters themselves."""
    for group in opt.param_groups:
        for p in group["params"]:
            for k, v in opt.state.get(p, {}).items():
                if torch.is_tensor(v) and v.dim() and v.shape != p.shape and p.shape[0] % v.shape[0] == 0:
                    opt.state[p][k] = RateFactorizedDensity.widen(v, v.shape[0], p.shape[0] // v.shape[0])


def trim_logs(run_dir, step):
    """Drop the log rows past the checkpoint being resumed: a run stopped without its last checkpoint (killed, or
    the machine went away) logged steps that the resumed run trains and logs again."""
    for name in ("log.csv", "val.csv"):
        path = os.path.join(run_dir, name)
        if not os.path.exists(path):
            continue
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
        kept = rows[:1] + [r for r in rows[1:] if r and int(r[0]) <= step]
        if len(kept) < len(rows):
            with open(path + ".tmp", "w", newline="") as f:
                csv.writer(f).writerows(kept)
            os.replace(path + ".tmp", path)
            print(f"[train] {name}: dropped {len(rows) - len(kept)} rows logged after step {step} (not checkpointed)",
                  flush=True)


def freeze_all_but_new(net, m0):
    """--only-new: train only the new latent channels' slices (channels m0 and up of the tensors widen_state()
    widened, widen.NEW_M_SLICES): every other parameter is frozen, and the old slices of the widened ones get a zero
    gradient (so Adam never moves them)."""
    from widen import NEW_M_SLICES  # noqa: E402  (widen imports this module)
    trained = []
    for name, p in net.named_parameters():
        dim = NEW_M_SLICES.get(name)
        if dim is None:
            p.requires_grad_(False)
            continue
        mask = torch.zeros_like(p)
        mask.narrow(dim, m0, p.shape[dim] - m0).fill_(1)
        p.register_hook(lambda grad, mask=mask: grad * mask)
        trained.append(name)
    return trained


def holiday_weight(steps, holiday):
    """--holiday: the weight on the new channels' bits after `steps` steps of this invocation: 0 for `holiday`
    steps, then rising linearly to 1 over as many more."""
    return min(1.0, max(0.0, (steps - holiday) / holiday)) if holiday > 0 else 1.0


def limit_openblas(n):
    """Debian's torch calls a pthreads OpenBLAS (GDN's matrix products) whose own pool ignores set_num_threads: with
    --threads 1 its second thread spun in sched_yield at ~13 % of a core per run (seen with gdb). Cap it too."""
    if not n:
        return
    try:
        ctypes.CDLL("libopenblas.so.0").openblas_set_num_threads(n)
    except (OSError, AttributeError):
        pass  # another BLAS: nothing to cap


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", choices=list(MODELS), required=True)
    ap.add_argument("--n", type=int, default=SHIPPED_N)
    ap.add_argument("--nt", type=int, help="the transforms' inner width, if wider than --n (a widen.py run; "
                    "exported as channels.Nt)")
    ap.add_argument("--m", type=int, default=SHIPPED_M)
    ap.add_argument("--nz", type=int, default=SHIPPED_NZ)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--lr-end", type=float, help="decay the learning rate geometrically from --lr to this over the "
                    "run's steps up to --max-steps (or over --minutes of wall time); default: constant --lr")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--crop", type=int, default=256)
    ap.add_argument("--scale", type=int, nargs=2, default=[384, 768], metavar=("LO", "HI"),
                    help="rescale each crop's photo to a short side log-uniform in [LO, HI] px first (data.CropSampler); "
                         "0 0 = crops at the stored size")
    ap.add_argument("--minutes", type=float, default=60.0, help="stop after this much wall time")
    ap.add_argument("--max-steps", type=int, default=10 ** 9)
    ap.add_argument("--ckpt-minutes", type=float, default=5.0)
    ap.add_argument("--val-every", type=int, default=1000, help="validate every N steps (0 = never) on the benchmark "
                    "photos (every other one of bench/photos, whole images, t = 0, 1/7 ... 1; benchmark_val)")
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--ema", type=float, default=0.999, help="keep an exponential moving average of the weights with "
                    "this decay (0 = off): validation and export use it (checkpoint key 'ema'); training goes on "
                    "from the raw weights")
    ap.add_argument("--new-from", type=int, help="the latent channels from this one on are new (a widen.py --m run): "
                    "what --only-new and --holiday act on")
    ap.add_argument("--only-new", action="store_true", help="train only the new latent channels' slices "
                    "(freeze_all_but_new); everything else stays as it is")
    ap.add_argument("--holiday", type=int, default=0, help="the new latent channels' bits count 0 in the loss for this "
                    "many steps of this invocation, then rise to full weight over as many more (holiday_weight)")
    ap.add_argument("--fresh-optimizer", action="store_true", help="resume a checkpoint's weights with a new Adam "
                    "state, warm-up and moving average (after an --only-new phase)")
    ap.add_argument("--init-from", help="checkpoint of another architecture to copy matching tensors from")
    ap.add_argument("--threads", type=int, default=0, help="CPU threads (0 = all cores)")
    ap.add_argument("--bf16", action="store_true",
                    help="the transforms' inner layers in bfloat16 autocast (models.LearnedCodec.transform): 1.6-2.1x "
                         "the steps per CPU-hour on CPUs with AVX512-BF16; entropy models and integer layers stay float32")
    ap.add_argument("--run", help="run folder name (default: the model name)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", default=DATA, help="folder with train/ (and val/) photos, PNG or JPEG")
    args = ap.parse_args()

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.type == "cpu":
        torch.set_num_threads(args.threads or os.cpu_count() or 1)
        limit_openblas(args.threads)
    else:  # full fp32: TF32 would round the simulated integer arithmetic of the hyper-synthesis (intnet.py)
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cudnn.benchmark = True
    run_dir = os.path.join(RUNS, args.run or args.model)
    os.makedirs(run_dir, exist_ok=True)
    ckpt_path = os.path.join(run_dir, "ckpt.pt")

    g = torch.Generator().manual_seed(args.seed)
    torch.manual_seed(args.seed)
    _, train_imgs = load_split("train", args.data)
    val_imgs, anchors = benchmark_val()[1:] if args.val_every > 0 else ([], {})
    sampler = CropSampler(train_imgs, args.crop, g, scale=tuple(args.scale) if args.scale[0] > 0 else None)

    net = build(args.model, args.n, args.m, args.nz, args.nt).to(device)
    net.bf16 = args.bf16
    if device.type == "cpu":  # ~11% fewer CPU-seconds per step with oneDNN's NHWC convolutions (measured)
        net = net.to(memory_format=torch.channels_last)
    opt = None  # made once the weights are in: loading may rebuild the gain units (another number of rate anchors)

    def make_opt():
        return torch.optim.Adam(net.parameters(), lr=args.lr)

    step, cpu_s, wall_s = 0, 0.0, 0.0
    opt_from = 0  # the step at which the optimizer state started (warm-up counts from here)
    init_info = None
    bursts = []  # GPU bursts in this model's history: [{from_step, to_step, device, batch, crop, gpu_s}]
    density_fits = []  # fit_density.py runs on this run's checkpoints (kept for export's provenance)
    bf16_steps = []  # step ranges trained with --bf16: [{from_step, to_step}]
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location=device, weights_only=False)
        net.load_state_dict(ck["model"])
        opt = make_opt()
        step, cpu_s, wall_s = ck["step"], ck.get("cpu_s", 0.0), ck.get("wall_s", 0.0)
        init_info = ck.get("init")
        bursts = ck.get("bursts", [])
        bf16_steps = ck.get("bf16_steps", [])
        density_fits = ck.get("density_fits", [])
        if "opt" in ck and not args.fresh_optimizer:
            opt.load_state_dict(ck["opt"])
            widen_opt_state(opt)
            opt_from = ck.get("opt_from", 0)
            g.set_state(ck["rng"])
            print(f"[train] resumed {ckpt_path} at step {step}", flush=True)
        else:  # a weights-only checkpoint (gpu_import.py), or --fresh-optimizer: fresh optimizer, warm-up from here
            opt_from = step
            g.manual_seed(args.seed + step)  # new crops, not a replay of the run's first ones
            print(f"[train] continued the weights of {ckpt_path} at step {step} (fresh optimizer)", flush=True)
    else:
        from package_io import copy_logs, load_package_into  # noqa: E402  (only needed here)
        src = args.init_from
        if src:
            ck = torch.load(src, map_location=device, weights_only=False)
            net.set_levels(levels_in(ck["model"]))  # the source's rate anchors
            own = net.state_dict()
            copied = {k: v for k, v in ck["model"].items() if k in own and own[k].shape == v.shape}
            own.update(copied)
            net.load_state_dict(own)
            init_info = {"from": os.path.relpath(src, HERE), "step": ck.get("step"), "cpu_s": ck.get("cpu_s", 0.0)}
            print(f"[train] initialised {len(copied)}/{len(own)} tensors from {src}", flush=True)
        elif (prov := load_package_into(net, args.model)) is not None:
            # continue the shipped run: its counters and history carry on (export merges them); Adam starts afresh
            step = opt_from = prov.get("steps", 0)
            g.manual_seed(args.seed + step)  # new crops, not a replay of the run's first ones
            cpu_s, wall_s = prov.get("cpu_hours", 0) * 3600, prov.get("wall_hours", 0) * 3600
            init_info = {"package": args.model, "provenance": prov}
            bursts = prov.get("gpu_bursts", [])
            bf16_steps = prov.get("bf16_steps", [])
            copy_logs(os.path.join(HERE, "logs", args.model), run_dir, overwrite=False)  # plots keep the whole history
            print(f"[train] no checkpoint: continuing the committed package public/models/{args.model} "
                  f"at step {step} (fresh optimizer, {args.warmup}-step warm-up)", flush=True)
        else:
            print("[train] starting from scratch", flush=True)
        opt = make_opt()
    for pg in opt.param_groups:
        pg["lr"] = args.lr

    stop = {"now": False}

    def on_signal(signum, frame):
        stop["now"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def save():
        tmp = ckpt_path + ".tmp"
        torch.save({"model": net.state_dict(), "opt": opt.state_dict(), "step": step, "cpu_s": cpu_s,
                    "wall_s": wall_s, "rng": g.get_state(), "args": vars(args), "init": init_info, "opt_from": opt_from,
                    "bursts": bursts + this_burst(), "bf16_steps": bf16_steps + this_bf16(),
                    "density_fits": density_fits, **({"ema": ema.state, "ema_n": ema.n, "ema_decay": ema.decay} if ema else {})},
                   tmp)
        os.replace(tmp, ckpt_path)

    if (args.only_new or args.holiday) and not (args.new_from and 0 < args.new_from < args.m):
        raise SystemExit("--only-new and --holiday need --new-from between 0 and --m")
    if args.only_new and args.model not in ("mean-scale", "hyperprior"):
        raise SystemExit("--only-new trains the new channels of a widened mean-scale or hyperprior (widen.py --m)")
    if args.only_new:
        print(f"[train] --only-new: training {', '.join(freeze_all_but_new(net, args.new_from))} "
              f"(channels {args.new_from}+)", flush=True)
    resume_ema = os.path.exists(ckpt_path) and not args.fresh_optimizer
    ema = Ema(net, args.ema, ck.get("ema"), ck.get("ema_n", 0)) if args.ema > 0 and resume_ema else (
        Ema(net, args.ema) if args.ema > 0 else None)
    ema_net = None
    if ema:
        import copy
        ema_net = copy.deepcopy(net)
    trim_logs(run_dir, step)
    log_path = os.path.join(run_dir, "log.csv")
    new_log = not os.path.exists(log_path)
    logf = open(log_path, "a", newline="")
    log = csv.writer(logf)
    if new_log:
        log.writerow(["step", "wall_s", "cpu_s", "loss", "bpp", "bpp_z", "psnr", "lr"])
    val_path = os.path.join(run_dir, "val.csv")
    new_val = not os.path.exists(val_path)
    valf = open(val_path, "a", newline="")
    vlog = csv.writer(valf)
    if new_val:
        vlog.writerow(["step", "wall_s", "cpu_s", "t", "bpp", "psnr"])

    t_start, c_start, step0 = time.time(), time.process_time(), step

    def this_burst():  # on a GPU, CPU-seconds say little: record the GPU wall time and the batch shape
        if device.type != "cuda" or step == step0:
            return []
        return [{"from_step": step0, "to_step": step, "device": torch.cuda.get_device_name(0), "batch": args.batch,
                 "crop": args.crop, "gpu_s": round(time.time() - t_start, 1)}]

    def this_bf16():  # export.py joins the ranges of runs that resumed one another
        return [{"from_step": step0, "to_step": step}] if args.bf16 and step > step0 else []
    t_last_ckpt = time.time()
    wall0, cpu0 = wall_s, cpu_s
    rate_weight = torch.ones(args.m, device=device)  # --holiday: the new channels' weight is set each step
    acc = {"loss": 0.0, "bpp": 0.0, "bpp_z": 0.0, "psnr": 0.0, "n": 0}
    last_good_loss = None
    net.train()
    while not stop["now"] and step < args.max_steps and (time.time() - t_start) < args.minutes * 60:
        x = sampler.batch(args.batch).to(device)
        if device.type == "cpu":
            x = x.contiguous(memory_format=torch.channels_last)
        t = torch.rand(args.batch, generator=g).to(device)
        base_lr = args.lr
        if args.lr_end:  # over the steps up to --max-steps when given (reproducible), else over the wall time
            if args.max_steps < 10 ** 9:
                frac = min(1.0, (step - step0) / max(1, args.max_steps - step0))
            else:
                frac = min(1.0, (time.time() - t_start) / (args.minutes * 60))
            base_lr = args.lr * (args.lr_end / args.lr) ** frac
        since = step - opt_from
        lr = base_lr * min(1.0, (since + 1) / args.warmup) if since < args.warmup else base_lr
        for pg in opt.param_groups:
            pg["lr"] = lr
        if args.holiday:
            rate_weight[args.new_from:] = holiday_weight(step - step0, args.holiday)
            net.rate_weight = rate_weight
        out = net.rd(x, t)
        net.rate_weight = None
        lam = net.gain.lam(t)
        mse = torch.mean((out["x_hat"] - x) ** 2, dim=(1, 2, 3))
        loss = torch.mean(lam * 255 ** 2 * mse + out["bpp"])
        if not torch.isfinite(loss) or (last_good_loss is not None and loss.item() > 20 * last_good_loss + 10):
            print(f"[train] step {step}: loss {loss.item():.3f} looks diverged; reloading checkpoint, lr/2", flush=True)
            if os.path.exists(ckpt_path):
                ck = torch.load(ckpt_path, map_location=device, weights_only=False)
                net.load_state_dict(ck["model"])
                if "opt" in ck:
                    opt.load_state_dict(ck["opt"])
                    widen_opt_state(opt)
                step = ck["step"]
            args.lr /= 2
            if args.lr_end:
                args.lr_end /= 2
            last_good_loss = None
            continue
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), args.clip)
        opt.step()
        if ema:
            ema.update(net)
        step += 1
        lv = loss.item()
        last_good_loss = lv if last_good_loss is None else 0.98 * last_good_loss + 0.02 * lv
        acc["loss"] += lv
        acc["bpp"] += out["bpp"].mean().item()
        acc["bpp_z"] += out["bpp_z"].mean().item()
        acc["psnr"] += psnr(out["x_hat"].detach().clamp(0, 1), x).mean().item()
        acc["n"] += 1
        if device.type == "cpu":  # the CPU budget; GPU bursts are counted apart (this_burst)
            wall_s = wall0 + time.time() - t_start
            cpu_s = cpu0 + time.process_time() - c_start
        if step % 50 == 0:
            k = acc["n"]
            log.writerow([step, round(wall_s, 1), round(cpu_s, 1), round(acc["loss"] / k, 5), round(acc["bpp"] / k, 5),
                          round(acc["bpp_z"] / k, 5), round(acc["psnr"] / k, 3), lr])
            logf.flush()
            if step % 500 == 0:
                print(f"[train] {args.model} step {step} loss {acc['loss']/k:.4f} bpp {acc['bpp']/k:.4f} "
                      f"psnr {acc['psnr']/k:.2f} ({wall_s/3600:.2f} h wall, {cpu_s/3600:.2f} h CPU)", flush=True)
            acc = {"loss": 0.0, "bpp": 0.0, "bpp_z": 0.0, "psnr": 0.0, "n": 0}
        if args.val_every > 0 and step % args.val_every == 0:
            if ema:
                ema_net.load_state_dict(ema.state)
            rows = validate(ema_net or net, val_imgs, device, ts=val_ts(ema_net or net), size=None)
            for (tv, b, p) in rows:
                vlog.writerow([step, round(wall_s, 1), round(cpu_s, 1), round(tv, 4), round(b, 5), round(p, 3)])
            valf.flush()
            bd = "".join(f"; vs {'shipped ' if a == 'mean-scale' else ''}{a} {bd_rate(*c, [r[1] for r in rows], [r[2] for r in rows]):+.1f} %"
                         for a, c in anchors.items())
            print(f"[val] step {step} ({cpu_s / 3600:.2f} CPU-h{', EMA' if ema else ''}): " + ", ".join(f"{b:.3f} bpp {p:.2f} dB" for _, b, p in rows)
                  + (f"; BD-rate{bd[1:]}" if bd else ""), flush=True)
        if time.time() - t_last_ckpt > args.ckpt_minutes * 60:
            save()
            t_last_ckpt = time.time()
    save()
    print(f"[train] saved {ckpt_path} at step {step}", flush=True)


if __name__ == "__main__":
    main()
