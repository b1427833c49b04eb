"""The integer hyper-synthesis, evaluated exactly (numpy int64), as every runtime must evaluate it.

One integer layer ("iconv", see README.md "Integer hyper-synthesis" and docs/model-package.md):

    acc[o, y, x] = B[o] + sum_{i, ky, kx} W[o, i, ky, kx] * a[i, y + ky - k//2, x + kx - k//2]   (zero padding)
    out[o, y, x] = clamp(trunc((acc + (c[o] >> 1)) / c[o]), lo, hi)          with lo = 0

W in [-127, 127], a in [-127, 127], |acc| < 2^31 (checked at export). trunc = toward zero; since lo >= 0,
floor and trunc give the same clamped value, so WGSL i32 `/`, ONNX Div (int32) and Math.trunc agree.
Depth-to-space x2 follows PyTorch's PixelShuffle (ONNX DepthToSpace mode "CRD"):
    out[c, 2h + i, 2w + j] = in[4c + 2i + j, h, w]
"""
import numpy as np


def iconv(a, w, b, c, lo, hi):
    """a: (Cin, H, W) int64; w: (O, Cin, k, k); b, c: (O,). Stride 1, 'same' zero padding."""
    a = np.asarray(a, dtype=np.int64)
    w = np.asarray(w, dtype=np.int64)
    o, cin, k, _ = w.shape
    assert a.shape[0] == cin, (a.shape, w.shape)
    h, wd = a.shape[1], a.shape[2]
    r = k // 2
    ap = np.zeros((cin, h + 2 * r, wd + 2 * r), dtype=np.int64)
    ap[:, r:r + h, r:r + wd] = a
    cols = np.empty((cin, k, k, h, wd), dtype=np.int64)
    for ky in range(k):
        for kx in range(k):
            cols[:, ky, kx] = ap[:, ky:ky + h, kx:kx + wd]
    acc = w.reshape(o, -1) @ cols.reshape(-1, h * wd) + np.asarray(b, np.int64)[:, None]
    assert np.abs(acc).max(initial=0) < 2 ** 31, "int32 accumulator overflow"
    c = np.asarray(c, np.int64)[:, None]
    num = acc + (c >> 1)
    q = np.sign(num) * (np.abs(num) // c)  # truncation toward zero
    return np.clip(q, lo, hi).reshape(o, h, wd)


def depth_to_space2(a):
    c4, h, w = a.shape
    c = c4 // 4
    return a.reshape(c, 2, 2, h, w).transpose(0, 3, 1, 4, 2).reshape(c, 2 * h, 2 * w)


def hyper_synthesis_int(z_hat, layers):
    """z_hat: (Nz, h, w) ints in [-127,127]; layers: dict with 'c1', 'c2', 'scale' -> (W, B, c, lo, hi).
    Returns (features (N, 4h, 4w) in [0,127], scale index (M, 4h, 4w) in [0,63])."""
    a = depth_to_space2(iconv(z_hat, *layers["c1"]))
    a = depth_to_space2(iconv(a, *layers["c2"]))
    idx = iconv(a, *layers["scale"])
    return a, idx


def checkerboard_anchors(h, w):
    """(h, w) bool: the anchors of the checkerboard context, (row + column) even."""
    return (np.arange(h)[:, None] + np.arange(w)[None, :]) % 2 == 0


def checkerboard_context(sym, w, b, c, lo, hi, clip):
    """The checkerboard context layer (op checkerboard_iconv2d, docs/learned-codecs.md "Checkerboard context"):
    sym (M, H, W) integer symbols of y (only the anchors are read), w (O, M, k, k) (taps with ky + kx even ignored).
    Out (O, H, W): clamp(trunc((acc + (c >> 1)) / c), lo, hi) at the non-anchors, 0 at the anchors, with
    acc = b + sum over the taps with ky + kx odd of w * clamp(sym, -clip, clip) (zero padding)."""
    a = np.clip(np.asarray(sym, np.int64), -clip, clip)
    w = np.asarray(w, np.int64)
    o, cin, k, _ = w.shape
    _, h, wd = a.shape
    r = k // 2
    ap = np.zeros((cin, h + 2 * r, wd + 2 * r), np.int64)
    ap[:, r:r + h, r:r + wd] = a
    acc = np.broadcast_to(np.asarray(b, np.int64)[:, None, None], (o, h, wd)).copy()
    for ky in range(k):
        for kx in range(k):
            if (ky + kx) % 2 == 1:
                acc += np.einsum("oi,ihw->ohw", w[:, :, ky, kx], ap[:, ky:ky + h, kx:kx + wd])
    assert np.abs(acc).max(initial=0) < 2 ** 31, "int32 accumulator overflow"
    c = np.asarray(c, np.int64)[:, None, None]
    num = acc + (c >> 1)
    q = np.clip(np.sign(num) * (np.abs(num) // c), lo, hi)
    q[:, checkerboard_anchors(h, wd)] = 0
    return q


def checkerboard_index(features, anchor_index, sym, layers):
    """Every element's table index: the anchors' from pass 1 (`anchor_index`, the scale head's), the others' from
    the pass-2 head over concat(features, ctx). layers: 'context' -> (W, B, c, lo, hi, clip), 'index' ->
    (W, B, c, lo, hi). Returns (ctx, index)."""
    ctx = checkerboard_context(sym, *layers["context"])
    idx2 = iconv(np.concatenate([np.asarray(features, np.int64), ctx]), *layers["index"])
    anchors = checkerboard_anchors(*ctx.shape[1:])
    return ctx, np.where(anchors[None], np.asarray(anchor_index, np.int64), idx2)
