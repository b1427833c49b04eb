#!/usr/bin/env python3
"""Fetch RD Lab's photos: the training set and the 24-photo benchmark, from their original sources or a local copy.

    /usr/bin/python3 tools/train/fetch_data.py                                  # from the sources (GitHub, Debian)
    /usr/bin/python3 tools/train/fetch_data.py --local ../shared/data/photos-v2 # from a copy of photos-v2

Two lists, both in tools/train/lists/:
- photos-v2.tsv (309 photos): file, split (train / val), source_kind (github / debian), source (owner/repo@commit or
  package=version), path at that source, original and stored size, licence, SHA-256 of the stored file. Each is
  the original downsampled (Lanczos) to a short side of 768 px and stored as JPEG quality 97, 4:4:4. The 24 `val`
  rows are the benchmark (`npm run benchmark`) and are never trained on.
- bench-hard.tsv (11 photos, split `hard`): the benchmark's hard set (`npm run benchmark -- --set hard`): grain and
  sensor noise, foliage, gravel, burlap, crowds of houses, night cities, from GitHub at a recorded commit. Kept as
  the original files (SHA-256 of the original, byte-exact), never trained on, credited in the list.
- debian-photos.tsv (59 photos inside Debian packages: package, path, size, licence), the first training set.
  Rows that photos-v2 also lists are skipped (4 of them are benchmark photos); the rest are downsampled the same
  way (Lanczos to short side 768 when larger) and join the training split.

Output: tools/train/data/train/*.jpg, data/val/*.jpg (the benchmark photos at short side 768, as listed),
data/hard/* (the hard set's originals) and data/ATTRIBUTION.tsv (photo, split, source, path, licence). Every
training photo is also compared with every benchmark photo of both sets (32x32 grey thumbnails, both flips): a
near-duplicate (correlation > 0.95) is left out of training.

With --local (repeatable), listed files are taken from those folders when their SHA-256 matches the list. From the sources,
GitHub files are read at the recorded commit (raw.githubusercontent.com) and Debian files with `apt-get download`
+ `dpkg-deb -x` (package resources inside Qt .rcc archives are unpacked here); the result is re-encoded as above,
so its SHA-256 may differ from the list's by the JPEG encoder's version (reported, not an error) while the size must
match. The photos are not committed (several are copyleft); this script recreates them.
"""
import argparse
import csv
import hashlib
import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import urllib.request
import zlib

import numpy as np
from PIL import Image, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
LISTS = os.path.join(HERE, "lists")
SHORT_SIDE = 768
JPEG_OPTS = {"quality": 97, "subsampling": 0, "optimize": True}


def read_tsv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def to_short_side(img, short=SHORT_SIDE):
    """Lanczos downsample so the short side is `short` (never upsampled); sizes as photos-v2 rounds them."""
    w, h = img.size
    if min(w, h) <= short:
        return img
    s = short / min(w, h)
    size = (short, round(h * s)) if w <= h else (round(w * s), short)
    return img.resize(size, Image.LANCZOS)


def debian_name(pkg, path):
    base = os.path.splitext(os.path.basename(path))[0]
    if base == "2560x1600":  # KDE wallpapers: the folder carries the name
        base = path.split("/")[-4]
    return f"{pkg}__{base}".replace(" ", "_")


# --- sources -------------------------------------------------------------------------------------------------------

class Debian:
    """`apt-get download` + `dpkg-deb -x` each package once, into a temporary folder (nothing is installed)."""

    def __init__(self, tmp):
        self.tmp, self.roots = tmp, {}

    def root(self, spec):
        if spec not in self.roots:
            d = os.path.join(self.tmp, spec.replace("=", "_").replace(":", "_"))
            os.makedirs(d, exist_ok=True)
            print(f"[fetch] apt-get download {spec}", flush=True)
            r = subprocess.run(["apt-get", "download", spec], cwd=d, stdout=subprocess.DEVNULL)
            if r.returncode and "=" in spec:  # that version left the archive: the current one, checked by size later
                print(f"[fetch] {spec} not in the archive; trying {spec.split('=')[0]}", flush=True)
                subprocess.run(["apt-get", "download", spec.split("=")[0]], cwd=d, check=True, stdout=subprocess.DEVNULL)
            deb = [x for x in os.listdir(d) if x.endswith(".deb")][0]
            subprocess.run(["dpkg-deb", "-x", deb, "root"], cwd=d, check=True)
            self.roots[spec] = os.path.join(d, "root")
        return self.roots[spec]

    def read(self, spec, path):
        if ".rcc:" in path:  # a resource inside a Qt resource archive (gcompris)
            archive, inner = path.split(":", 1)
            with open(os.path.join(self.root(spec), archive.lstrip("/")), "rb") as f:
                return rcc_file(f.read(), inner)
        with open(os.path.join(self.root(spec), path.lstrip("/")), "rb") as f:
            return f.read()


def github(source, path):
    repo, commit = source.split("@")
    url = f"https://raw.githubusercontent.com/{repo}/{commit}/{urllib.request.quote(path)}"
    with urllib.request.urlopen(url, timeout=120) as r:
        return r.read()


def rcc_file(blob, wanted):
    """One file out of a Qt binary resource (.rcc): header 'qres', version, tree / data / names offsets; tree nodes
    of 14 bytes (+8 from version 2) name-offset, flags, child count or (country, language), child or data offset.
    Data: 4-byte length + bytes; flag 1 = zlib (qCompress: 4-byte big-endian size first), 4 = zstd."""
    if blob[:4] != b"qres":
        raise ValueError("not a Qt .rcc archive")
    version, tree, data, names = struct.unpack(">IIII", blob[4:20])
    node_size = 14 + (8 if version >= 2 else 0)

    def name(off):
        n = struct.unpack(">H", blob[names + off:names + off + 2])[0]
        return blob[names + off + 6:names + off + 6 + 2 * n].decode("utf-16-be")

    def node(i):
        o = tree + i * node_size
        name_off, flags = struct.unpack(">IH", blob[o:o + 6])
        a, b = struct.unpack(">II", blob[o + 6:o + 14])
        return name(name_off), flags, a, b

    parts = [p for p in wanted.split("/") if p]
    i = 0
    for depth, part in enumerate(parts):
        _, flags, count, first = node(i)
        if not flags & 2:
            raise KeyError(wanted)
        i = next((c for c in range(first, first + count) if node(c)[0] == part), None)
        if i is None:
            raise KeyError(f"{wanted}: no {part!r} in the archive")
    _, flags, _, off = node(i)
    n = struct.unpack(">I", blob[data + off:data + off + 4])[0]
    payload = blob[data + off + 4:data + off + 4 + n]
    if flags & 1:
        return zlib.decompress(payload[4:])
    if flags & 4:
        raise ValueError(f"{wanted} is zstd-compressed in its .rcc; install python3-zstandard or use --local")
    return payload


# --- near-duplicates ---------------------------------------------------------------------------------------------

def thumb(img):
    a = np.asarray(img.convert("L").resize((32, 32), Image.BILINEAR), dtype=np.float64)
    a = a - a.mean()
    return a / (np.linalg.norm(a) + 1e-9)


def near_duplicate(t, val_thumbs):
    """Largest correlation of a thumbnail (and its flips) with any benchmark thumbnail, and which."""
    best = (-1.0, None)
    for name, v in val_thumbs.items():
        for tt in (t, t[:, ::-1], t[::-1, :]):
            c = float((tt * v).sum())
            if c > best[0]:
                best = (c, name)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--local", action="append", default=[],
                    help="folder with listed files (e.g. ../shared/data/photos-v2); repeat for more folders")
    ap.add_argument("--out", default=os.path.join(HERE, "data"))
    ap.add_argument("--no-debian-list", action="store_true", help="photos-v2 only (skip debian-photos.tsv)")
    args = ap.parse_args()

    v2 = read_tsv(os.path.join(LISTS, "photos-v2.tsv"))
    hard = read_tsv(os.path.join(LISTS, "bench-hard.tsv"))
    old = [] if args.no_debian_list else read_tsv(os.path.join(LISTS, "debian-photos.tsv"))

    def local_copy(r):
        for d in args.local:
            p = os.path.join(d, r["file"])
            if os.path.exists(p) and sha256(p) == r["sha256"]:
                return p
        return None

    for split in ("train", "val", "hard"):
        os.makedirs(os.path.join(args.out, split), exist_ok=True)
    attribution, val_thumbs, dropped = [], {}, []

    with tempfile.TemporaryDirectory() as tmp:
        deb = Debian(tmp)
        # The hard set: the original files, byte-exact (a source that changed is an error, not a re-encode).
        for r in hard:
            dst = os.path.join(args.out, "hard", r["file"])
            if not (os.path.exists(dst) and sha256(dst) == r["sha256"]):
                local = local_copy(r)
                if local:
                    shutil.copyfile(local, dst)
                else:
                    with open(dst + ".tmp", "wb") as f:
                        f.write(github(r["source"], r["path"]))
                    if sha256(dst + ".tmp") != r["sha256"]:
                        os.remove(dst + ".tmp")
                        raise SystemExit(f"{r['file']}: the file at {r['source']} {r['path']} is not the listed one")
                    os.replace(dst + ".tmp", dst)
                print(f"[fetch] hard: {r['file']}", flush=True)
            img = Image.open(dst)
            img.draft("RGB", (img.width // 8, img.height // 8))  # a thumbnail is all the comparison needs
            val_thumbs[r["file"]] = thumb(img.convert("RGB"))
            attribution.append((r["file"], "hard", r["source"], r["path"], f"{r['license']}; {r['credit']}"))
        # Benchmark photos first: every training photo is checked against them.
        for r in sorted(v2, key=lambda r: r["split"] != "val"):
            dst = os.path.join(args.out, r["split"], r["file"])
            if not os.path.exists(dst):
                local = local_copy(r)
                if local:
                    shutil.copyfile(local, dst)
                else:
                    raw = github(r["source"], r["path"]) if r["source_kind"] == "github" else deb.read(r["source"], r["path"])
                    img = to_short_side(ImageOps.exif_transpose(Image.open(io.BytesIO(raw))).convert("RGB"))
                    want = tuple(int(v) for v in r["stored_wxh"].split("x"))
                    if img.size != want:
                        raise SystemExit(f"{r['file']}: {img.size[0]}x{img.size[1]} from the source, the list says "
                                         f"{r['stored_wxh']}")
                    img.save(dst, **JPEG_OPTS)
                    if sha256(dst) != r["sha256"]:
                        print(f"[fetch] {r['file']}: re-encoded here, SHA-256 differs from the list's", flush=True)
                print(f"[fetch] {r['split']}: {r['file']}", flush=True)
            img = Image.open(dst)
            if r["split"] == "val":
                val_thumbs[r["file"]] = thumb(img)
            else:
                c, which = near_duplicate(thumb(img), val_thumbs)
                if c > 0.95:
                    os.remove(dst)
                    dropped.append((r["file"], which, c))
                    continue
            attribution.append((r["file"], r["split"], r["source"], r["path"], r["license"]))

        v2_debian = {(r["source"].split("=")[0], r["path"]) for r in v2 if r["source_kind"] == "debian"}
        for r in old:
            pkg, path = r["package"], r["path_in_package"]
            if (pkg, path) in v2_debian:
                continue  # photos-v2 lists it (as train or val)
            name = debian_name(pkg, path) + ".jpg"
            dst = os.path.join(args.out, "train", name)
            if not os.path.exists(dst):
                img = to_short_side(ImageOps.exif_transpose(Image.open(io.BytesIO(deb.read(pkg, path)))).convert("RGB"))
                img.save(dst, **JPEG_OPTS)
                print(f"[fetch] train: {name} {img.size[0]}x{img.size[1]}", flush=True)
            c, which = near_duplicate(thumb(Image.open(dst)), val_thumbs)
            if c > 0.95:
                os.remove(dst)
                dropped.append((name, which, c))
                continue
            attribution.append((name, "train", pkg, path, r["license"]))

    with open(os.path.join(args.out, "ATTRIBUTION.tsv"), "w") as f:
        f.write("photo\tsplit\tsource\tpath\tlicense\n")
        for a in attribution:
            f.write("\t".join(a) + "\n")
    for name, which, c in dropped:
        print(f"[fetch] left out of training: {name} (correlation {c:.3f} with benchmark photo {which})")
    n_val = sum(1 for a in attribution if a[1] == "val")
    n_hard = sum(1 for a in attribution if a[1] == "hard")
    print(f"[fetch] done: {len(attribution) - n_val - n_hard} train, {n_val} val (benchmark), {n_hard} hard -> {args.out}")
    if n_val != 24:
        sys.exit(f"the benchmark needs its 24 photos, found {n_val}")


if __name__ == "__main__":
    main()
