"""Training/validation photos (fetched by fetch_data.py) as in-memory tensors, random crops."""
import glob
import math
import os

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")


def load_split(split, data_dir=DATA):
    files = sorted(f for ext in ("png", "jpg") for f in glob.glob(os.path.join(data_dir, split, "*." + ext)))
    if not files:
        raise SystemExit(f"no photos in {data_dir}/{split}: run `python3 tools/train/fetch_data.py` first")
    imgs = [torch.from_numpy(np.array(Image.open(f).convert("RGB"))).permute(2, 0, 1).contiguous() for f in files]
    return files, imgs


class CropSampler:
    """Random crops with random flips from a list of uint8 CHW images, weighted by image area.

    With scale=(lo, hi), each crop first rescales its photo so that the short side is S ~ log-uniform in [lo, hi]
    pixels (never upscaling: a photo whose short side is below S stays as it is), i.e. it reads a window of
    crop/s source pixels and resizes it to crop x crop (bicubic with antialiasing). The benchmark photos are whole
    scenes at a short side of 512, so training at 384-768 sees texture at the density visitors' photos have.
    scale=None: plain crops at the stored size."""

    def __init__(self, imgs, crop, generator, scale=None):
        self.imgs = [im for im in imgs if im.shape[1] >= crop and im.shape[2] >= crop]
        self.crop = crop
        self.g = generator
        self.scale = scale
        areas = torch.tensor([im.shape[1] * im.shape[2] for im in self.imgs], dtype=torch.float64)
        self.p = areas / areas.sum()

    def _rand(self):
        return float(torch.rand(1, generator=self.g))

    def batch(self, n):
        idx = torch.multinomial(self.p, n, replacement=True, generator=self.g)
        out = torch.empty(n, 3, self.crop, self.crop, dtype=torch.float32)
        for k, i in enumerate(idx.tolist()):
            im = self.imgs[i]
            h, w = im.shape[1], im.shape[2]
            win = self.crop
            if self.scale:
                lo, hi = self.scale
                short = math.exp(math.log(lo) + self._rand() * (math.log(hi) - math.log(lo)))
                win = max(self.crop, min(h, w, round(self.crop * min(h, w) / short)))
            y = int(torch.randint(0, h - win + 1, (1,), generator=self.g))
            x = int(torch.randint(0, w - win + 1, (1,), generator=self.g))
            c = im[:, y:y + win, x:x + win].float().unsqueeze(0)
            if win != self.crop:
                c = F.interpolate(c, size=(self.crop, self.crop), mode="bicubic", align_corners=False, antialias=True)
            c = c[0]
            if self._rand() < 0.5:
                c = c.flip(2)
            if self._rand() < 0.5:
                c = c.flip(1)
            out[k] = c
        return (out.round().clamp(0, 255)) / 255.0


def pad_to(x, multiple):
    """Zero-pad a (B,3,H,W) tensor at the bottom/right to a multiple of `multiple`; returns (padded, (H, W))."""
    h, w = x.shape[2], x.shape[3]
    ph, pw = (-h) % multiple, (-w) % multiple
    return torch.nn.functional.pad(x, (0, pw, 0, ph), mode="replicate"), (h, w)
