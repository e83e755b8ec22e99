"""Checks xgrad's ONNX export with tools that share no code with it, as TAP.

    check_onnx.py PROGRAM [ARGS...]

Runs `PROGRAM ARGS... OUTDIR` (tests/onnx/onnx_cases.cpp, which exports the
notebook's models and a few others, or an example given --onnx-cases) to
write the models to OUTDIR with a batch and xgrad's predictions for it; then
for each model: onnx.checker (full check, Debian python3-onnx), shape
inference (the inferred output shape is the declared one), and OpenCV's dnn
module (Debian python3-opencv) running the file on the batch: its predictions match
xgrad's within 1e-4 (absolute, on softmax probabilities) and within 1% of
the predictions' spread over the batch.
"""
import os
import subprocess
import sys
import tempfile

TOLERANCE = 1e-4
# Valid ONNX that this OpenCV cannot run, with the reason.
OPENCV_CANNOT = {"relu6": "OpenCV 4.6 reads Clip's bounds only as attributes (ONNX opset < 11)"}

try:
    import cv2
    import numpy as np
    import onnx
except ImportError as e:  # tools/setup installs them; say what is missing
    print(f"1..0 # SKIP {e.name} is not installed (Debian python3-onnx, python3-opencv)")
    sys.exit(0)

n = 0
failed = 0


def report(ok, what, detail=""):
    global n, failed
    n += 1
    failed += not ok
    print(f"{'ok' if ok else 'not ok'} {n} - {what}")
    for line in ("" if ok else detail).splitlines():
        print(f"# {line}")


def dims(text):
    return [int(d) for d in text.split(",")]


def arrays(base, shapes_text):
    """The raw float32 files of one model's inputs or outputs: BASE for one, BASE_K for several."""
    shapes = [dims(s) for s in shapes_text.split(";")]
    paths = [base] if len(shapes) == 1 else [f"{base}_{k}" for k in range(len(shapes))]
    return [np.fromfile(p, dtype=np.float32).reshape(s) for p, s in zip(paths, shapes)]


def blob(x):
    # OpenCV's Python binding reads a 3-D array as a 2-D image with
    # channels; [N, 1, H, W] holds the same values as a 4-D blob.
    return x.reshape(x.shape[0], 1, *x.shape[1:]) if x.ndim == 3 else x


with tempfile.TemporaryDirectory() as out:
    # The program's own output goes to stderr: stdout is this script's TAP.
    subprocess.run([*sys.argv[1:], out], check=True, stdout=sys.stderr)
    with open(os.path.join(out, "cases.txt")) as f:
        cases = [line.split() for line in f if line.strip()]
    # A line is "name input_shapes output_shapes", several shapes joined by ';'.
    for name, input_shapes, output_shapes in cases:
        path = os.path.join(out, name + ".onnx")
        model = onnx.load(path)
        try:
            onnx.checker.check_model(model, full_check=True)
            report(True, f"{name}: onnx.checker")
        except onnx.checker.ValidationError as e:
            report(False, f"{name}: onnx.checker", str(e))

        xs = arrays(os.path.join(out, name + ".input"), input_shapes)
        expected = arrays(os.path.join(out, name + ".expected"), output_shapes)
        inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
        for k, y in enumerate(expected):
            out_dims = [d.dim_param or d.dim_value for d in inferred.graph.output[k].type.tensor_type.shape.dim]
            expected_dims = ["batch"] + list(y.shape[1:])
            which = "" if len(expected) == 1 else f" {k}"
            report(out_dims == expected_dims, f"{name}: shape inference gives output{which} {expected_dims}",
                   f"got {out_dims}")

        if name in OPENCV_CANNOT:
            report(True, f"{name}: OpenCV dnn # SKIP {OPENCV_CANNOT[name]}")
            continue
        try:
            net = cv2.dnn.readNetFromONNX(path)
            if len(xs) == 1:
                net.setInput(blob(xs[0]))
            else:
                for graph_input, x in zip(model.graph.input, xs):
                    net.setInput(blob(x), graph_input.name)
            got = [net.forward()] if len(expected) == 1 else net.forward([o.name for o in model.graph.output])
            diff = max(float(np.max(np.abs(g.reshape(y.shape) - y))) for g, y in zip(got, expected))
            # Also far below how much the predictions vary between images, so
            # near-uniform outputs cannot hide a wrong graph.
            spread = min(float(np.max(np.std(y, axis=0))) for y in expected)
            report(diff <= TOLERANCE and diff <= 0.01 * spread,
                   f"{name}: OpenCV dnn predictions match xgrad's (max |diff| {diff:.1e}, spread {spread:.1e})")
        except cv2.error as e:
            report(False, f"{name}: OpenCV dnn runs the model", str(e))

print(f"1..{n}")
sys.exit(1 if failed else 0)
