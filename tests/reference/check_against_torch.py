"""Compares xgrad's ops with PyTorch's (Debian python3-torch), as TAP.

    check_against_torch.py TORCH_CASES_PROGRAM

Runs the program (tests/reference/torch_cases.cpp), which evaluates every
registered case with xgrad in float32 and float64 and writes inputs,
upstream gradients, outputs and input gradients to safetensors files; then
evaluates each case's torch expression on the same inputs and compares:
integer and bool outputs exactly, floating outputs and gradients by
max|xgrad − torch| ≤ tolerance · max(max|torch|, 1e-30) (the case's
tolerance: 1e-6 in float32 and 1e-12 in float64 unless the case says why
not), and shapes and dtypes exactly. The files are read with numpy from the
safetensors layout (8-byte header length, JSON header, raw bytes), so the
check shares no code with xgrad's loader.
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import torch
except ImportError as e:  # tools/setup installs them; say what is missing
    print(f"1..0 # SKIP {e.name} is not installed (Debian python3-torch)")
    sys.exit(0)

torch.set_num_threads(1)
DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "U8": np.uint8, "BOOL": np.bool_}

n = 0
failed = 0


def report(ok, what, detail=""):
    global n, failed
    n += 1
    failed += not ok
    print(f"{'ok' if ok else 'not ok'} {n} - {what}")
    for line in ("" if ok else detail).splitlines():
        print(f"# {line}")


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + size])
    body = data[8 + size:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        array = np.frombuffer(body[begin:end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors


def numbered(tensors, prefix):
    found = {int(k[1:]): v for k, v in tensors.items() if k[0] == prefix}
    return found


def compare(what, ours, theirs, tolerance):
    """None when equal within tolerance, else the reason."""
    if tuple(ours.shape) != tuple(theirs.shape):
        return f"{what}: shape {list(ours.shape)}, torch {list(theirs.shape)}"
    if ours.dtype != theirs.dtype:
        return f"{what}: dtype {ours.dtype}, torch {theirs.dtype}"
    if not ours.is_floating_point():
        if not torch.equal(ours, theirs):
            bad = (ours != theirs).nonzero()[0].tolist()
            return f"{what}: differs at {bad}: {ours[tuple(bad)].item()} vs torch {theirs[tuple(bad)].item()}"
        return None
    if ours.numel() == 0:
        return None
    a, b = ours.double(), theirs.double()
    same_nonfinite = (torch.isnan(a) & torch.isnan(b)) | (torch.isinf(a) & (a == b))
    if not torch.equal(torch.isfinite(a), torch.isfinite(b)) or not bool(same_nonfinite[~torch.isfinite(b)].all()):
        return f"{what}: non-finite values differ:\n xgrad {ours}\n torch {theirs}"
    finite = torch.isfinite(b)
    if not bool(finite.any()):
        return None
    scale = max(b[finite].abs().max().item(), 1e-30)
    error = (a[finite] - b[finite]).abs().max().item()
    if error > tolerance * scale:
        return f"{what}: max error {error:.3g} > {tolerance:g} · {scale:.3g}\n xgrad {ours}\n torch {theirs}"
    return None


def check(directory, file, name, dtype, gradients, tolerance, expression, error):
    what = f"{name} [{dtype}]"
    if error:
        report(False, what, f"xgrad threw: {error}")
        return
    tensors = read_safetensors(os.path.join(directory, file + ".safetensors"))
    xs = numbered(tensors, "x")
    inputs = {}
    for i, x in xs.items():
        inputs[f"x{i}"] = x.clone().requires_grad_(gradients and x.is_floating_point())
    try:
        result = eval(expression, {"torch": torch, **inputs})
    except Exception as e:  # a wrong expression is a failure of this case, not of the run
        report(False, what, f"torch raised {type(e).__name__}: {e}\n expression: {expression}")
        return
    outputs = list(result) if isinstance(result, (tuple, list)) else [result]
    ys = numbered(tensors, "y")
    problems = []
    if len(outputs) != len(ys):
        problems.append(f"{len(ys)} outputs, torch {len(outputs)}")
    for i in range(min(len(outputs), len(ys))):
        problem = compare(f"output {i}", ys[i], outputs[i].detach(), tolerance)
        if problem:
            problems.append(problem)
    if gradients and not problems:
        us = numbered(tensors, "u")
        terms = [(outputs[i] * us[i]).sum() for i in us if outputs[i].requires_grad]
        leaves = [inputs[f"x{i}"] for i in sorted(xs) if inputs[f"x{i}"].requires_grad]
        if terms and leaves:
            grads = torch.autograd.grad(sum(terms), leaves, allow_unused=True)
            gs = numbered(tensors, "g")
            for i, leaf, grad in zip([i for i in sorted(xs) if inputs[f"x{i}"].requires_grad], leaves, grads):
                theirs = torch.zeros_like(leaf) if grad is None else grad
                problem = compare(f"gradient of x{i}", gs[i], theirs.detach(), tolerance)
                if problem:
                    problems.append(problem)
    report(not problems, what, "\n".join(problems + [f"expression: {expression}"]))


with tempfile.TemporaryDirectory() as out:
    subprocess.run([sys.argv[1], out], check=True)
    with open(os.path.join(out, "cases.txt")) as f:
        lines = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    for file, name, dtype, gradients, tolerance, expression, error in lines:
        check(out, file, name, dtype, gradients == "1", float(tolerance), expression, error)

print(f"1..{n}")
sys.exit(1 if failed else 0)
