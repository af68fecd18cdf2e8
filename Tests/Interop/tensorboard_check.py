#!/usr/bin/env python3
"""Reads event files written by Backprop's SummaryWriter with TensorBoard's own reader.

Usage:
  tensorboard_check.py expect RUN_DIR EXPECTED.json
      EventAccumulator must return every scalar (step, float32 value), every histogram (step,
      min, max, count, sum, sum of squares, and numpy.histogram's 30 buckets of the values)
      and every text listed in EXPECTED.json, and nothing else under those tags.
  tensorboard_check.py killed RUN_DIR
      For a run whose writer was killed: parses the TFRecord framing itself (lengths and masked
      CRC32Cs checked with tensorboard's crc32c), decodes each complete record with event_pb2,
      and requires EventAccumulator to return exactly the scalars and histograms found there.
      Prints the number of complete records and the size of a torn tail.
Needs: pip install tensorboard numpy. Exit 0 on success, 1 with a message.
"""
import glob
import json
import os
import struct
import sys

import numpy as np
from tensorboard.backend.event_processing import event_accumulator
from tensorboard.compat.proto import event_pb2
from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c
from tensorboard.util import tensor_util


def fail(message):
    sys.exit(f"tensorboard_check.py: {message}")   # to standard error, exit status 1


def accumulator(run_dir):
    acc = event_accumulator.EventAccumulator(run_dir, size_guidance={
        event_accumulator.SCALARS: 0, event_accumulator.HISTOGRAMS: 0, event_accumulator.TENSORS: 0})
    acc.Reload()
    return acc


def check_expected(run_dir, expected):
    acc = accumulator(run_dir)
    tags = acc.Tags()
    for tag, points in expected["scalars"].items():
        if tag not in tags["scalars"]:
            fail(f"scalar tag {tag!r} missing; found {tags['scalars']}")
        got = [(e.step, e.value) for e in acc.Scalars(tag)]
        want = [(step, float(np.float32(value))) for step, value in points]
        if got != want:
            fail(f"scalar {tag!r}: read {got[:5]}..., wrote {want[:5]}...")
    for tag, points in expected["histograms"].items():
        if tag not in tags["histograms"]:
            fail(f"histogram tag {tag!r} missing; found {tags['histograms']}")
        events = acc.Histograms(tag)
        if [e.step for e in events] != [step for step, _ in points]:
            fail(f"histogram {tag!r}: steps {[e.step for e in events]}, wrote {[s for s, _ in points]}")
        for event, (step, values) in zip(events, points):
            h, v = event.histogram_value, np.array(values, dtype=np.float64)
            counts, edges = np.histogram(v, bins=30)
            stats = (h.min, h.max, h.num, h.sum, h.sum_squares)
            want = (v.min(), v.max(), len(v), v.sum(), (v * v).sum())
            if not np.allclose(stats, want, rtol=1e-12, atol=0):
                fail(f"histogram {tag!r} step {step}: min/max/num/sum/sum² {stats}, expected {want}")
            if list(h.bucket) != list(counts) or not np.allclose(h.bucket_limit, edges[1:], rtol=1e-12):
                fail(f"histogram {tag!r} step {step}: buckets {list(h.bucket)} differ from numpy's {list(counts)}")
    for tag, points in expected["texts"].items():
        got = [(e.step, tensor_util.make_ndarray(e.tensor_proto).item().decode()) for e in acc.Tensors(tag)]
        if got != [tuple(p) for p in points]:
            fail(f"text {tag!r}: read {got}, wrote {points}")
    counts = (len(expected["scalars"]), len(expected["histograms"]), len(expected["texts"]))
    print(f"tensorboard_check.py: ok: {counts[0]} scalar, {counts[1]} histogram and {counts[2]} text tags read back")


def complete_records(path):
    """The events in the file's complete, intact records, and the size of what follows them."""
    data = open(path, "rb").read()
    events, offset = [], 0
    while offset + 12 <= len(data):
        header = data[offset:offset + 8]
        (length,) = struct.unpack("<Q", header)
        (header_crc,) = struct.unpack("<I", data[offset + 8:offset + 12])
        if header_crc != masked_crc32c(header):
            fail(f"{path}: corrupt length at offset {offset} (not a torn tail: a bad record)")
        end = offset + 12 + length + 4
        if end > len(data):
            break
        body = data[offset + 12:offset + 12 + length]
        if struct.unpack("<I", data[end - 4:end])[0] != masked_crc32c(body):
            fail(f"{path}: bad data checksum in the record at offset {offset}")
        events.append(event_pb2.Event.FromString(body))
        offset = end
    return events, len(data) - offset


def check_killed(run_dir):
    files = glob.glob(os.path.join(run_dir, "*tfevents*"))
    if len(files) != 1:
        fail(f"{run_dir}: expected one event file, found {files}")
    events, torn = complete_records(files[0])
    scalars, histograms = {}, {}
    for event in events:
        for value in event.summary.value:
            kind = value.WhichOneof("value")
            if kind == "simple_value":
                scalars.setdefault(value.tag, []).append((event.step, value.simple_value))
            elif kind == "histo":
                histograms.setdefault(value.tag, []).append((event.step, value.histo.num))
    acc = accumulator(run_dir)
    tags = acc.Tags()
    if sorted(tags["scalars"]) != sorted(scalars) or sorted(tags["histograms"]) != sorted(histograms):
        fail(f"tags read {tags['scalars'] + tags['histograms']}, in the file {list(scalars) + list(histograms)}")
    for tag, points in scalars.items():
        got = [(e.step, e.value) for e in acc.Scalars(tag)]
        if got != points:
            fail(f"scalar {tag!r}: EventAccumulator read {len(got)} points, the file has {len(points)} complete ones")
    for tag, points in histograms.items():
        got = [(e.step, e.histogram_value.num) for e in acc.Histograms(tag)]
        if got != points:
            fail(f"histogram {tag!r}: EventAccumulator read {len(got)}, the file has {len(points)} complete ones")
    total = sum(len(p) for p in scalars.values())
    print(f"tensorboard_check.py: ok: {len(events)} complete records, torn tail {torn} bytes, "
          f"{total} scalars and {sum(len(p) for p in histograms.values())} histograms all read back")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "expect":
        check_expected(sys.argv[2], json.load(open(sys.argv[3])))
    elif len(sys.argv) == 3 and sys.argv[1] == "killed":
        check_killed(sys.argv[2])
    else:
        fail("usage: tensorboard_check.py expect RUN_DIR EXPECTED.json | killed RUN_DIR")


if __name__ == "__main__":
    main()
