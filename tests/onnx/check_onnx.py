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


with tempfile.TemporaryDirectory() as out:
    # The program's own output goes to stderr: stdout is this script's TAP.
    subprocess.run([*sys.argv[1:], out], check=True, stdout=sys.stderr)
    with open(os.path.join(out, "cases.txt")) as f:
        cases = [line.split() for line in f if line.strip()]
    for name, input_shape, output_shape in cases:
        path = os.path.join(out, name + ".onnx")
        model = onnx.load(path)
        try:
            onnx.checker.check_model(model, full_check=True)
            report(True, f"{name}: onnx.checker")
        except onnx.checker.ValidationError as e:
            report(False, f"{name}: onnx.checker", str(e))

        inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
        out_dims = [d.dim_param or d.dim_value for d in inferred.graph.output[0].type.tensor_type.shape.dim]
        expected_dims = ["batch"] + dims(output_shape)[1:]
        report(out_dims == expected_dims, f"{name}: shape inference gives output {expected_dims}", f"got {out_dims}")

        x = np.fromfile(os.path.join(out, name + ".input"), dtype=np.float32).reshape(dims(input_shape))
        expected = np.fromfile(os.path.join(out, name + ".expected"), dtype=np.float32).reshape(dims(output_shape))
        if name in OPENCV_CANNOT:
            report(True, f"{name}: OpenCV dnn # SKIP {OPENCV_CANNOT[name]}")
            continue
        try:
            net = cv2.dnn.readNetFromONNX(path)
            # OpenCV's Python binding reads a 3-D array as a 2-D image with
            # channels; [N, 1, H, W] holds the same values as a 4-D blob.
            net.setInput(x.reshape(x.shape[0], 1, *x.shape[1:]) if x.ndim == 3 else x)
            got = net.forward()
            diff = float(np.max(np.abs(got.reshape(expected.shape) - expected)))
            # Also far below how much the predictions vary between images, so
            # near-uniform outputs cannot hide a wrong graph.
            spread = float(np.max(np.std(expected, axis=0)))
            report(diff <= TOLERANCE and diff <= 0.01 * spread,
                   f"{name}: OpenCV dnn predictions match xgrad's (max |diff| {diff:.1e}, spread {spread:.1e})")
        except cv2.error as e:
            report(False, f"{name}: OpenCV dnn runs the model", str(e))

print(f"1..{n}")
sys.exit(1 if failed else 0)
