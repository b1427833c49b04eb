"""ONNX graphs of a model's weights for onnxruntime-web (WebGPU EP, then wasm EP).

analysis.onnx        x (1,3,H,W) f32 in [0,1], gain (M) f32       -> y (1,M,H/16,W/16) f32 (already gained)
hyper_analysis.onnx  y                                             -> z (1,Nz,H/64,W/64) f32
hyper_synthesis.onnx z_hat (1,Nz,h,w) int32                        -> index (1,M,4h,4w) int32 [, means f32]
synthesis.onnx       y_hat (1,M,h,w) f32, inv_gain (M) f32         -> x_hat (1,3,16h,16w) f32

The float graphs store weights as float16 initializers followed by Cast to float32 (half the download);
hyper_synthesis is integer arithmetic only (ConvInteger, Add, Div, Max, Min; DepthToSpace on exact small
integers carried in float32), so onnxruntime, WGSL and TypeScript produce identical indexes.
"""
import copy
import os

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


class _Analysis(torch.nn.Module):
    def __init__(self, net):
        super().__init__()
        self.g_a = net.g_a

    def forward(self, x, gain):
        return self.g_a(x) * gain.view(1, -1, 1, 1)


class _HyperAnalysis(torch.nn.Module):
    def __init__(self, net, use_abs):
        super().__init__()
        self.h_a, self.use_abs = net.h_a, use_abs

    def forward(self, y):
        return self.h_a(torch.abs(y) if self.use_abs else y)


class _Synthesis(torch.nn.Module):
    def __init__(self, net):
        super().__init__()
        self.g_s = net.g_s

    def forward(self, y_hat, inv_gain):
        return self.g_s(y_hat * inv_gain.view(1, -1, 1, 1))


class _Frozen(torch.nn.Module):
    """Evaluate GDN's reparametrized beta/gamma once so the graph holds plain constants."""


def _freeze_gdn(module):
    from layers import GDN
    import torch.nn.functional as F

    class FrozenGDN(torch.nn.Module):
        def __init__(self, g):
            super().__init__()
            beta, gamma = g.effective()
            c = beta.numel()
            self.register_buffer("beta", beta.detach().clone())
            self.register_buffer("gamma", gamma.detach().clone().view(c, c, 1, 1))
            self.inverse = g.inverse

        def forward(self, x):
            n = F.conv2d(x * x, self.gamma, self.beta)
            return x * torch.sqrt(n) if self.inverse else x * torch.rsqrt(n)

    for name, child in list(module.named_children()):
        if isinstance(child, GDN):
            setattr(module, name, FrozenGDN(child))
        else:
            _freeze_gdn(child)
    return module


def _to_f16_initializers(model):
    """Float32 initializers with >= 1024 elements -> float16 initializer + Cast node."""
    g = model.graph
    new_nodes = []
    for init in list(g.initializer):
        if init.data_type != TensorProto.FLOAT:
            continue
        arr = numpy_helper.to_array(init)
        if arr.size < 1024:
            continue
        name = init.name
        half = numpy_helper.from_array(arr.astype(np.float16), name + "_f16")
        g.initializer.remove(init)
        g.initializer.append(half)
        new_nodes.append(helper.make_node("Cast", [name + "_f16"], [name], to=TensorProto.FLOAT, name="cast_" + name))
    for n in reversed(new_nodes):
        g.node.insert(0, n)
    return model


def _export_torch(module, args, path, inputs, outputs, dyn):
    module = _freeze_gdn(copy.deepcopy(module)).eval()  # never modify the caller's model
    torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs, dynamic_axes=dyn,
                      opset_version=OPSET, do_constant_folding=True)
    m = _to_f16_initializers(onnx.load(path))
    onnx.checker.check_model(m)
    onnx.save(m, path)


def _as_shipped(t, weight_dtype):
    """Float weights exactly as weights.bin holds them (f16-rounded when the package ships f16), as f32."""
    a = t.detach().cpu().numpy()
    return (a.astype(np.float16) if weight_dtype == "f16" else a).astype(np.float32)


def _int_hyper_synthesis(net, path, with_means, weight_dtype="f16"):
    from export import int_layer
    nodes, inits = [], []

    def const(name, arr):
        inits.append(numpy_helper.from_array(arr, name))
        return name

    def iconv(x_i32, layer, tag):
        wi, bi, c, lo, hi = int_layer(layer)
        o = wi.shape[0]
        k = wi.shape[2]
        p = k // 2
        nodes.append(helper.make_node("Cast", [x_i32], [tag + "_x8"], to=TensorProto.INT8))
        nodes.append(helper.make_node("ConvInteger", [tag + "_x8", const(tag + "_w", wi.astype(np.int8))], [tag + "_acc"],
                                      pads=[p, p, p, p], kernel_shape=[k, k]))
        nodes.append(helper.make_node("Add", [tag + "_acc", const(tag + "_bh", (bi + (c >> 1)).astype(np.int32).reshape(1, o, 1, 1))], [tag + "_num"]))
        nodes.append(helper.make_node("Div", [tag + "_num", const(tag + "_c", c.astype(np.int32).reshape(1, o, 1, 1))], [tag + "_q"]))
        nodes.append(helper.make_node("Max", [tag + "_q", const(tag + "_lo", np.array(lo, np.int32))], [tag + "_ql"]))
        nodes.append(helper.make_node("Min", [tag + "_ql", const(tag + "_hi", np.array(hi, np.int32))], [tag + "_out"]))
        return tag + "_out"

    def d2s(x_i32, tag):
        nodes.append(helper.make_node("Cast", [x_i32], [tag + "_f"], to=TensorProto.FLOAT))
        nodes.append(helper.make_node("DepthToSpace", [tag + "_f"], [tag + "_sf"], blocksize=2, mode="CRD"))
        nodes.append(helper.make_node("Cast", [tag + "_sf"], [tag + "_out"], to=TensorProto.INT32))
        return tag + "_out"

    a = d2s(iconv("z_hat", net.h_s.c1, "c1"), "s1")
    a = d2s(iconv(a, net.h_s.c2, "c2"), "s2")
    idx = iconv(a, net.scale_head, "scale")
    nodes.append(helper.make_node("Identity", [idx], ["index"]))
    outputs = [helper.make_tensor_value_info("index", TensorProto.INT32, [1, net.m, "h4", "w4"])]
    if with_means:
        from models import FEATURE_SCALE
        nodes.append(helper.make_node("Cast", [a], ["feat_f"], to=TensorProto.FLOAT))
        nodes.append(helper.make_node("Mul", ["feat_f", const("feat_scale", np.array(1.0 / FEATURE_SCALE, np.float32))], ["m0"]))
        cur = "m0"
        for i, layer in enumerate(net.mean_head):
            if isinstance(layer, torch.nn.Conv2d):
                k = layer.kernel_size[0]
                nodes.append(helper.make_node(
                    "Conv", [cur, const(f"mean{i}_w", _as_shipped(layer.weight, weight_dtype)),
                             const(f"mean{i}_b", layer.bias.detach().numpy().astype(np.float32))],
                    [f"m{i + 1}"], pads=[k // 2] * 4, kernel_shape=[k, k]))
            else:
                nodes.append(helper.make_node("LeakyRelu", [cur], [f"m{i + 1}"], alpha=layer.negative_slope))
            cur = f"m{i + 1}"
        nodes.append(helper.make_node("Identity", [cur], ["means"]))
        outputs.append(helper.make_tensor_value_info("means", TensorProto.FLOAT, [1, net.m, "h4", "w4"]))
    graph = helper.make_graph(nodes, "rdlab_int_hyper_synthesis",
                              [helper.make_tensor_value_info("z_hat", TensorProto.INT32, [1, net.nz, "h", "w"])],
                              outputs, inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="rdlab")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, path)


def export_all(net, model, out, manifest):
    from models import MeanScale
    net = net.cpu().eval()
    files = {}
    with torch.no_grad():
        x = torch.rand(1, 3, 128, 128)
        g = torch.ones(net.m)
        _export_torch(_Analysis(net), (x, g), os.path.join(out, "analysis.onnx"), ["x", "gain"], ["y"],
                      {"x": {2: "H", 3: "W"}, "y": {2: "h", 3: "w"}})
        files["analysis"] = "analysis.onnx"
        y = torch.randn(1, net.m, 8, 8)
        _export_torch(_Synthesis(net), (y, g), os.path.join(out, "synthesis.onnx"), ["y_hat", "inv_gain"], ["x_hat"],
                      {"y_hat": {2: "h", 3: "w"}, "x_hat": {2: "H", 3: "W"}})
        files["synthesis"] = "synthesis.onnx"
        if hasattr(net, "h_a"):
            _export_torch(_HyperAnalysis(net, not isinstance(net, MeanScale)), (y,), os.path.join(out, "hyper_analysis.onnx"),
                          ["y"], ["z"], {"y": {2: "h", 3: "w"}, "z": {2: "hz", 3: "wz"}})
            files["hyper_analysis"] = "hyper_analysis.onnx"
            _int_hyper_synthesis(net, os.path.join(out, "hyper_synthesis.onnx"), isinstance(net, MeanScale),
                                 manifest.get("weight_dtype", "f16"))
            files["hyper_synthesis"] = "hyper_synthesis.onnx"
    return files
