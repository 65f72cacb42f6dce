#!/usr/bin/python3
"""Writes the tiny ONNX fixtures of tests/onnx with Debian's python3-onnx (onnx 1.12, opset 17).

Run from anywhere: /usr/bin/python3 tests/data/onnx/make_fixtures.py
Every initializer is zero-filled (weight values never matter to the importer), so the output is
byte-for-byte reproducible. Hand counts of MACs and params are in tests/onnx/onnx_import_test.cpp.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = 17


def zeros(name, shape, dtype=np.float32):
    return numpy_helper.from_array(np.zeros(shape, dtype=dtype), name)


def external(name, shape, location, offset):
    """A float32 initializer whose data lives in `location` (never written: the 'absent data file' case)."""
    t = TensorProto()
    t.name = name
    t.data_type = TensorProto.FLOAT
    t.dims.extend(shape)
    length = int(np.prod(shape)) * 4
    # set_external_data needs raw_data to move out; here there is none, so write the entries directly.
    for key, value in (("location", location), ("offset", str(offset)), ("length", str(length))):
        entry = t.external_data.add()
        entry.key, entry.value = key, value
    t.data_location = TensorProto.EXTERNAL
    return t, length


def save(graph, filename, extra_opsets=()):
    opsets = [helper.make_opsetid("", OPSET)] + [helper.make_opsetid(d, v) for d, v in extra_opsets]
    model = helper.make_model(graph, opset_imports=opsets, producer_name="edgesplit make_fixtures.py")
    model.ir_version = 8
    # Serialize directly: onnx.save would try to write external data we deliberately leave out.
    with open(os.path.join(HERE, filename), "wb") as f:
        f.write(model.SerializeToString())


def vi(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def chain():
    # input 1x3x8x8 -> Conv 3->4 k3 p1 (+bias) -> BN(4) -> Relu -> MaxPool k2 s2 -> Flatten -> Gemm 64->10.
    nodes = [
        helper.make_node("Conv", ["input", "conv.w", "conv.b"], ["conv_out"], name="conv",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]),
        helper.make_node("BatchNormalization", ["conv_out", "bn.scale", "bn.bias", "bn.mean", "bn.var"],
                         ["bn_out"], name="bn", epsilon=1e-5),
        helper.make_node("Relu", ["bn_out"], ["relu_out"], name="relu"),
        helper.make_node("MaxPool", ["relu_out"], ["pool_out"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["pool_out"], ["flat_out"], name="flatten", axis=1),
        helper.make_node("Gemm", ["flat_out", "fc.w", "fc.b"], ["output"], name="fc", transB=1),
    ]
    inits = [zeros("conv.w", [4, 3, 3, 3]), zeros("conv.b", [4]),
             zeros("bn.scale", [4]), zeros("bn.bias", [4]), zeros("bn.mean", [4]), zeros("bn.var", [4]),
             zeros("fc.w", [10, 64]), zeros("fc.b", [10])]
    g = helper.make_graph(nodes, "chain", [vi("input", [1, 3, 8, 8])], [vi("output", [1, 10])], inits)
    save(g, "chain.onnx")


def residual():
    # input 1x4x8x8 -> Conv 4->4 k3 p1 (no bias) -> Relu -> Add(relu, input) -> Relu; an Identity to fold.
    nodes = [
        helper.make_node("Identity", ["input"], ["x"], name="ident"),
        helper.make_node("Conv", ["x", "conv.w"], ["conv_out"], name="conv", kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["conv_out"], ["relu1_out"], name="relu1"),
        helper.make_node("Add", ["relu1_out", "x"], ["add_out"], name="add"),
        helper.make_node("Relu", ["add_out"], ["output"], name="relu2"),
    ]
    g = helper.make_graph(nodes, "residual", [vi("input", [1, 4, 8, 8])], [vi("output", [1, 4, 8, 8])],
                          [zeros("conv.w", [4, 4, 3, 3])])
    save(g, "residual.onnx")


def concat():
    # input 1x3x8x8 -> {Conv 1x1 3->2 (+bias), Conv 3x3 p1 3->5 (+bias)} -> Concat(axis 1) -> GlobalAveragePool.
    nodes = [
        helper.make_node("Conv", ["input", "a.w", "a.b"], ["a_out"], name="branch_a", kernel_shape=[1, 1]),
        helper.make_node("Conv", ["input", "b.w", "b.b"], ["b_out"], name="branch_b", kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1]),
        helper.make_node("Concat", ["a_out", "b_out"], ["cat_out"], name="cat", axis=1),
        helper.make_node("GlobalAveragePool", ["cat_out"], ["output"], name="gap"),
    ]
    inits = [zeros("a.w", [2, 3, 1, 1]), zeros("a.b", [2]), zeros("b.w", [5, 3, 3, 3]), zeros("b.b", [5])]
    g = helper.make_graph(nodes, "concat", [vi("input", [1, 3, 8, 8])], [vi("output", [1, 7, 1, 1])], inits)
    save(g, "concat.onnx")


def reshape():
    # input 1x2x4x4 -> Reshape(shape = int64 initializer [1, -1]) -> MatMul 32x5 -> Add bias(5) -> Softmax.
    # The shape initializer is graph plumbing, not a parameter; it is also listed as a graph input
    # (IR < 4 style), which must not count as a model input.
    nodes = [
        helper.make_node("Reshape", ["input", "shape"], ["flat"], name="reshape"),
        helper.make_node("MatMul", ["flat", "w"], ["mm_out"], name="matmul"),
        helper.make_node("Add", ["mm_out", "bias"], ["add_out"], name="bias_add"),
        helper.make_node("Softmax", ["add_out"], ["output"], name="softmax", axis=1),
    ]
    inits = [numpy_helper.from_array(np.array([1, -1], dtype=np.int64), "shape"),
             zeros("w", [32, 5]), zeros("bias", [5])]
    inputs = [vi("input", [1, 2, 4, 4]), helper.make_tensor_value_info("shape", TensorProto.INT64, [2])]
    g = helper.make_graph(nodes, "reshape", inputs, [vi("output", [1, 5])], inits)
    save(g, "reshape.onnx")


def dynamic():
    # input N x 3 x H x W (symbolic) -> Conv 3->2 k3 p1 -> Relu -> GlobalAveragePool; needs --input-shape.
    nodes = [
        helper.make_node("Conv", ["input", "w"], ["conv_out"], name="conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["conv_out"], ["relu_out"], name="relu"),
        helper.make_node("GlobalAveragePool", ["relu_out"], ["output"], name="gap"),
    ]
    g = helper.make_graph(nodes, "dynamic", [vi("input", ["batch", 3, "height", "width"])],
                          [vi("output", ["batch", 2, 1, 1])], [zeros("w", [2, 3, 3, 3])])
    save(g, "dynamic.onnx")


def external_data():
    # input 1x3x16x16 -> Conv 3->8 k3 s2 p1 (+bias) -> Relu; both initializers in external.bin (absent).
    w, n = external("w", [8, 3, 3, 3], "external.bin", 0)
    b, _ = external("b", [8], "external.bin", n)
    nodes = [
        helper.make_node("Conv", ["input", "w", "b"], ["conv_out"], name="conv", kernel_shape=[3, 3],
                         strides=[2, 2], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["conv_out"], ["output"], name="relu"),
    ]
    g = helper.make_graph(nodes, "external", [vi("input", [1, 3, 16, 16])], [vi("output", [1, 8, 8, 8])], [w, b])
    save(g, "external.onnx")


def unknown_op():
    # Conv -> com.example:Frobnicate -> Relu: the importer must name node 1 and its operator.
    nodes = [
        helper.make_node("Conv", ["input", "w"], ["conv_out"], name="conv", kernel_shape=[1, 1]),
        helper.make_node("Frobnicate", ["conv_out"], ["frob_out"], name="frob", domain="com.example"),
        helper.make_node("Relu", ["frob_out"], ["output"], name="relu"),
    ]
    g = helper.make_graph(nodes, "unknown", [vi("input", [1, 3, 4, 4])], [vi("output", [1, 2, 4, 4])],
                          [zeros("w", [2, 3, 1, 1])])
    save(g, "unknown_op.onnx", extra_opsets=[("com.example", 1)])


def plumbing():
    # torch's flatten-by-Reshape with shape arithmetic, and a Dropout: only conv, reshape and fc are layers.
    # input 1x2x4x4 -> Conv 1x1 2->3 (+bias) -> Dropout -> Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1]))
    # -> Gemm 48->2.
    nodes = [
        helper.make_node("Conv", ["input", "w", "b"], ["conv_out"], name="conv", kernel_shape=[1, 1]),
        helper.make_node("Dropout", ["conv_out"], ["drop_out"], name="drop"),
        helper.make_node("Shape", ["drop_out"], ["shape_out"], name="shape"),
        helper.make_node("Constant", [], ["zero"], name="c0",
                         value=numpy_helper.from_array(np.array(0, dtype=np.int64))),
        helper.make_node("Gather", ["shape_out", "zero"], ["batch"], name="gather", axis=0),
        helper.make_node("Unsqueeze", ["batch", "axes"], ["batch1"], name="unsqueeze"),
        helper.make_node("Constant", [], ["minus1"], name="c1",
                         value=numpy_helper.from_array(np.array([-1], dtype=np.int64))),
        helper.make_node("Concat", ["batch1", "minus1"], ["new_shape"], name="cat", axis=0),
        helper.make_node("Reshape", ["drop_out", "new_shape"], ["flat"], name="reshape"),
        helper.make_node("Gemm", ["flat", "fc.w", "fc.b"], ["output"], name="fc", transB=1),
    ]
    inits = [zeros("w", [3, 2, 1, 1]), zeros("b", [3]), numpy_helper.from_array(np.array([0], dtype=np.int64), "axes"),
             zeros("fc.w", [2, 48]), zeros("fc.b", [2])]
    g = helper.make_graph(nodes, "plumbing", [vi("input", [1, 2, 4, 4])], [vi("output", [1, 2])], inits)
    save(g, "plumbing.onnx")


def no_shape():
    # Reshape to a shape computed through Floor, which ONNX 1.12 does not propagate: the Reshape
    # output has no static shape, a located error at node 4.
    nodes = [
        helper.make_node("Shape", ["input"], ["s"], name="shape"),
        helper.make_node("Cast", ["s"], ["sf"], name="to_float", to=TensorProto.FLOAT),
        helper.make_node("Floor", ["sf"], ["sfl"], name="floor"),
        helper.make_node("Cast", ["sfl"], ["si"], name="to_int", to=TensorProto.INT64),
        helper.make_node("Reshape", ["input", "si"], ["reshaped"], name="reshape"),
        helper.make_node("Relu", ["reshaped"], ["output"], name="relu"),
    ]
    g = helper.make_graph(nodes, "no_shape", [vi("input", [1, 2, 4, 4])], [vi("output", None)], [])
    save(g, "no_shape.onnx")


class Resnet18Writer:
    """torchvision resnet18 as torch.onnx.export writes it in eval mode (opset 17): every
    BatchNorm folded into the preceding Conv's weight and a new bias, node names "/layer1/layer1.0/conv1/Conv",
    output names "<node>_output_0", initializers "onnx::Conv_<n>". Tensors of 1024 bytes or more go to
    resnet18.bin, which is never written (onnx's size_threshold default); smaller ones stay inline (zeros)."""

    def __init__(self):
        self.nodes, self.inits, self.offset, self.counter = [], [], 0, 100

    def init(self, shape, name=None):
        if name is None:
            name = f"onnx::Conv_{self.counter}"
            self.counter += 1
        if int(np.prod(shape)) * 4 >= 1024:
            t, n = external(name, shape, "resnet18.bin", self.offset)
            self.offset += n
            self.inits.append(t)
        else:
            self.inits.append(zeros(name, shape))
        return name

    def node(self, op, path, inputs, **attrs):
        name = f"{path}/{op}"
        out = f"{name}_output_0"
        self.nodes.append(helper.make_node(op, inputs, [out], name=name, **attrs))
        return out

    def conv(self, path, x, cin, cout, k, stride, pad):
        w = self.init([cout, cin, k, k])
        b = self.init([cout])
        return self.node("Conv", path, [x, w, b], dilations=[1, 1], group=1, kernel_shape=[k, k],
                         pads=[pad] * 4, strides=[stride, stride])

    def block(self, p, x, cin, planes, stride):
        y = self.conv(f"{p}/conv1", x, cin, planes, 3, stride, 1)
        y = self.node("Relu", f"{p}/relu", [y])
        y = self.conv(f"{p}/conv2", y, planes, planes, 3, 1, 1)
        s = x
        if stride != 1 or cin != planes:
            s = self.conv(f"{p}/downsample/downsample.0", x, cin, planes, 1, stride, 0)
        y = self.node("Add", p, [y, s])
        return self.node("Relu", f"{p}/relu_1", [y])

    def build(self):
        x = self.conv("/conv1", "input", 3, 64, 7, 2, 3)
        x = self.node("Relu", "/relu", [x])
        x = self.node("MaxPool", "/maxpool", [x], ceil_mode=0, kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                      strides=[2, 2])
        cin = 64
        for stage, planes in enumerate([64, 128, 256, 512]):
            for i in range(2):
                stride = 2 if stage > 0 and i == 0 else 1
                x = self.block(f"/layer{stage + 1}/layer{stage + 1}.{i}", x, cin, planes, stride)
                cin = planes
        x = self.node("GlobalAveragePool", "/avgpool", [x])
        x = self.node("Flatten", "", [x], axis=1)
        w = self.init([1000, 512], "fc.weight")
        b = self.init([1000], "fc.bias")
        self.nodes.append(helper.make_node("Gemm", [x, w, b], ["output"], name="/fc/Gemm", alpha=1.0, beta=1.0,
                                           transB=1))
        g = helper.make_graph(self.nodes, "torch_jit", [vi("input", [1, 3, 224, 224])], [vi("output", [1, 1000])],
                              self.inits)
        save(g, "resnet18.onnx")


if __name__ == "__main__":
    chain()
    residual()
    concat()
    reshape()
    dynamic()
    external_data()
    unknown_op()
    plumbing()
    no_shape()
    Resnet18Writer().build()
