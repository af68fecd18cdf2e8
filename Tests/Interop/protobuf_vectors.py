#!/usr/bin/env python3
"""Reference bytes for Tests/BackpropTests/ProtobufEncodingTests.swift.

Builds the same messages as the Swift test with the official Python protobuf classes (onnx's
onnx_pb2, tensorboard's event_pb2) and tensorboard's own TFRecord writer, and prints each as
hex; the Swift test keeps the output. Run: python3 Tests/Interop/protobuf_vectors.py
Needs: pip install onnx tensorboard numpy
"""
import io

import numpy as np
from onnx import AttributeProto, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, TensorProto
from onnx import TensorShapeProto, TypeProto, ValueInfoProto
from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2
from tensorboard.summary.writer.record_writer import RecordWriter


def value_info(name, dims):
    shape = TensorShapeProto(dim=[TensorShapeProto.Dimension(dim_param=d) if isinstance(d, str)
                                  else TensorShapeProto.Dimension(dim_value=d) for d in dims])
    return ValueInfoProto(name=name, type=TypeProto(tensor_type=TypeProto.Tensor(elem_type=1, shape=shape)))


def initializer(name, array):
    return TensorProto(dims=array.shape, data_type=1, name=name, raw_data=array.astype("<f4").tobytes())


def onnx_model():
    """Sequential(Linear(2 → 3), LeakyReLU(0.2), Linear(3 → 2, no bias)) as exportONNX writes it."""
    w0 = (np.arange(6, dtype=np.float32) / np.float32(4) - np.float32(0.5)).reshape(3, 2)
    b0 = np.array([0.1, 0.2, 0.3], dtype=np.float32)
    w2 = (np.arange(6, dtype=np.float32) / np.float32(-8)).reshape(2, 3)
    trans_b = AttributeProto(name="transB", i=1, type=AttributeProto.INT)
    nodes = [
        NodeProto(input=["input", "0.weight", "0.bias"], output=["/0/Gemm_output_0"], name="/0/Gemm",
                  op_type="Gemm", attribute=[trans_b]),
        NodeProto(input=["/0/Gemm_output_0"], output=["/1/LeakyRelu_output_0"], name="/1/LeakyRelu",
                  op_type="LeakyRelu", attribute=[AttributeProto(name="alpha", f=0.2, type=AttributeProto.FLOAT)]),
        NodeProto(input=["/1/LeakyRelu_output_0", "2.weight"], output=["output"], name="/2/Gemm",
                  op_type="Gemm", attribute=[trans_b]),
    ]
    graph = GraphProto(node=nodes, name="backprop",
                       initializer=[initializer("0.weight", w0), initializer("0.bias", b0), initializer("2.weight", w2)],
                       input=[value_info("input", ["batch", 2])], output=[value_info("output", ["batch", 2])])
    return ModelProto(ir_version=8, producer_name="Backprop", graph=graph,
                      opset_import=[OperatorSetIdProto(version=17)])


def attribute_ints():
    return AttributeProto(name="pads", ints=[1, -2, 300], type=AttributeProto.INTS)


def event_file_version():
    return event_pb2.Event(wall_time=1.5, file_version="brain.Event:2")


def event_scalar():
    value = summary_pb2.Summary.Value(tag="loss/train", simple_value=0.125)
    return event_pb2.Event(wall_time=2.25, step=7, summary=summary_pb2.Summary(value=[value]))


def event_histogram():
    values = np.array([-1, 0, 0.5, 2, 2], dtype=np.float64)
    counts, edges = np.histogram(values, bins=3)
    histo = summary_pb2.HistogramProto(min=values.min(), max=values.max(), num=len(values), sum=values.sum(),
                                       sum_squares=(values * values).sum(), bucket_limit=edges[1:], bucket=counts)
    value = summary_pb2.Summary.Value(tag="weights/0.weight", histo=histo)
    return event_pb2.Event(wall_time=3.0, step=300, summary=summary_pb2.Summary(value=[value]))


def event_text():
    tensor = tensor_pb2.TensorProto(dtype=7, tensor_shape=tensor_shape_pb2.TensorShapeProto(),
                                    string_val=["lr = 0.002 ✓".encode()])
    metadata = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="text"))
    value = summary_pb2.Summary.Value(tag="config", tensor=tensor, metadata=metadata)
    return event_pb2.Event(wall_time=4.0, step=1, summary=summary_pb2.Summary(value=[value]))


def record(data):
    """tensorboard's own TFRecord framing (length, masked CRC32C, data, masked CRC32C)."""
    buffer = io.BytesIO()
    RecordWriter(buffer).write(data)
    return buffer.getvalue()


def main():
    vectors = {
        "onnxModel": onnx_model().SerializeToString(deterministic=True),
        "onnxAttributeInts": attribute_ints().SerializeToString(deterministic=True),
        "eventFileVersion": event_file_version().SerializeToString(deterministic=True),
        "eventScalar": event_scalar().SerializeToString(deterministic=True),
        "eventHistogram": event_histogram().SerializeToString(deterministic=True),
        "eventText": event_text().SerializeToString(deterministic=True),
        "recordScalar": record(event_scalar().SerializeToString(deterministic=True)),
    }
    for name, data in vectors.items():
        print(f'static let {name} = "{data.hex()}"')


if __name__ == "__main__":
    main()
