"""Training/validation photos (fetched by fetch_data.py) as in-memory tensors, random crops."""
import glob
import os

import numpy as np
import torch
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")


def load_split(split, data_dir=DATA):
    files = sorted(f for ext in ("png", "jpg") for f in glob.glob(os.path.join(data_dir, split, "*." + ext)))
    if not files:
        raise SystemExit(f"no photos in {data_dir}/{split}: run `python3 tools/train/fetch_data.py` first")
    imgs = [torch.from_numpy(np.asarray(Image.open(f).convert("RGB"))).permute(2, 0, 1).contiguous() for f in files]
    return files, imgs


class CropSampler:
    """Uniform random crops (with random flips) from a list of uint8 CHW images, weighted by image area."""

    def __init__(self, imgs, crop, generator):
        self.imgs = [im for im in imgs if im.shape[1] >= crop and im.shape[2] >= crop]
        self.crop = crop
        self.g = generator
        areas = torch.tensor([im.shape[1] * im.shape[2] for im in self.imgs], dtype=torch.float64)
        self.p = areas / areas.sum()

    def batch(self, n):
        idx = torch.multinomial(self.p, n, replacement=True, generator=self.g)
        out = torch.empty(n, 3, self.crop, self.crop, dtype=torch.uint8)
        for k, i in enumerate(idx.tolist()):
            im = self.imgs[i]
            y = int(torch.randint(0, im.shape[1] - self.crop + 1, (1,), generator=self.g))
            x = int(torch.randint(0, im.shape[2] - self.crop + 1, (1,), generator=self.g))
            c = im[:, y:y + self.crop, x:x + self.crop]
            if torch.rand(1, generator=self.g) < 0.5:
                c = c.flip(2)
            if torch.rand(1, generator=self.g) < 0.5:
                c = c.flip(1)
            out[k] = c
        return out.float() / 255.0


def pad_to(x, multiple):
    """Zero-pad a (B,3,H,W) tensor at the bottom/right to a multiple of `multiple`; returns (padded, (H, W))."""
    h, w = x.shape[2], x.shape[3]
    ph, pw = (-h) % multiple, (-w) % multiple
    return torch.nn.functional.pad(x, (0, pw, 0, ph), mode="replicate"), (h, w)
