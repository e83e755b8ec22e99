"""The layering check itself, as TAP: fed small trees made here, it fails on
each kind of violation, naming file, line, both folders and their ranks, and
passes a clean tree that uses every allowed form.

    check_layering_test.py CHECK_LAYERING_PY
"""
import os
import subprocess
import sys
import tempfile

checker = sys.argv[1]
n = 0
failed = False


def result(ok, description, detail=""):
    global n, failed
    n += 1
    print(f"{'ok' if ok else 'not ok'} {n} - {description}")
    if not ok:
        failed = True
        for line in detail.splitlines():
            print(f"# {line}")


def run(files):
    """The checker's exit code and output on a tree holding `files` (path: text)."""
    with tempfile.TemporaryDirectory(prefix="xgrad_layering_") as root:
        for path, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
            with open(os.path.join(root, path), "w") as f:
                f.write(text)
        done = subprocess.run([sys.executable, checker, root], capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


# Allowed forms: own folder (bare and private), lower ranks (public and
# private), the autograd↔ops pair, system headers, a forwarding header
# pointing up, the umbrella header including everything.
clean = {
    "include/xgrad/core/tensor.hpp": "#pragma once\n#include <vector>\n",
    "lib/core/tensor.cpp": '#include "xgrad/core/tensor.hpp"\n#include "pool.hpp"\n',
    "lib/core/pool.hpp": "#pragma once\n",
    "lib/simd/kernels.cpp": '#include "simd/table.hpp"\n#include <xsimd/xsimd.hpp>\n',
    "lib/simd/table.hpp": "#pragma once\n",
    "lib/simd/dispatch.cpp": '#include "simd/table.hpp"\n#include "xgrad/core/tensor.hpp"\n',
    "include/xgrad/autograd/node.hpp": '#pragma once\n#include "xgrad/ops/math.hpp"\n',
    "include/xgrad/ops/math.hpp": '#pragma once\n#include <xgrad/autograd/node.hpp>\n',
    "lib/nn/dense.cpp": '#include "xgrad/ops/math.hpp"\n#include "core/pool.hpp"\n',
    "include/xgrad/onnx/export.hpp": '#pragma once\n#include "xgrad/nn/dense.hpp"\n',
    "include/xgrad/nn/dense.hpp": "#pragma once\n",
    "include/xgrad/io/onnx.hpp": "/// Deprecated forwarding header: use xgrad/onnx/export.hpp.\n"
                                 '#include "xgrad/onnx/export.hpp"\n',
    "include/xgrad/xgrad.hpp": '#pragma once\n#include "xgrad/onnx/export.hpp"\n',
    "lib/meson.build": "xgrad_sources = files()\n",
}
code, out = run(clean)
result(code == 0 and "not ok" not in out, "a clean tree passes", out)
result("every forwarding header (1) holds only its comment line and one #include" in out,
       "the forwarding header is counted as checked", out)

# One of each violation, each in an otherwise clean tree.
violations = dict(clean)
violations["lib/core/random.cpp"] = '#include <cstdint>\n\n#include "xgrad/nn/dense.hpp"\n'
violations["lib/attic/old.cpp"] = '#include "xgrad/core/tensor.hpp"\n'
violations["include/xgrad/io/model.hpp"] = ("/// Deprecated forwarding header: use xgrad/onnx/export.hpp.\n"
                                            '#include "xgrad/onnx/export.hpp"\ninline int extra = 1;\n')
violations["lib/optim/sgd.cpp"] = '#include "xgrad/nn/dense.hpp"\n'
violations["lib/io/model.cpp"] = '#include "attic/old.hpp"\n'
violations["lib/simd/avx.cpp"] = '#include "core/pool.hpp"\n'
violations["lib/losses/mse.cpp"] = '#include "xgrad/xgrad.hpp"\n'
code, out = run(violations)
result(code == 1, "a tree with violations fails", out)
expected = {
    "an upward include, naming file:line, both folders and ranks":
        "lib/core/random.cpp:3: #include \"xgrad/nn/dense.hpp\": core (rank 0) → nn (rank 4): upward",
    "an unknown folder, with its path":
        "lib/attic: folder 'attic' has no rank",
    "an include of an unknown folder":
        "lib/io/model.cpp:1: #include \"attic/old.hpp\": io → attic: folder 'attic' has no rank",
    "an unknown folder's own includes":
        "lib/attic/old.cpp:1: #include \"xgrad/core/tensor.hpp\": attic → core: folder 'attic' has no rank",
    "a forwarding header with extra code":
        "include/xgrad/io/model.hpp: holds 3 non-blank lines",
    "the upward include of a forwarding header with extra code, no longer exempt":
        "include/xgrad/io/model.hpp:2: #include \"xgrad/onnx/export.hpp\": io (rank 5) → onnx (rank 6): upward",
    "a same-rank include of a pair not listed":
        "lib/optim/sgd.cpp:1: #include \"xgrad/nn/dense.hpp\": optim (rank 4) → nn (rank 4): same rank, not a listed pair",
    "a per-level kernel including another folder":
        "lib/simd/avx.cpp:1: #include \"core/pool.hpp\": simd → core: simd is compiled per instruction-set level",
    "the umbrella header included by the library":
        "lib/losses/mse.cpp:1: #include \"xgrad/xgrad.hpp\": includes the umbrella",
}
for what, line in expected.items():
    result(line in out, f"names {what}", f"expected: {line}\ngot:\n{out}")
result(out.count("\n# ") == len(expected), "and nothing else", out)

# A forwarding header whose include points nowhere.
dangling = dict(clean)
dangling["include/xgrad/io/onnx.hpp"] = ("/// Deprecated forwarding header: use xgrad/onnx/export.hpp.\n"
                                         '#include "xgrad/onnx/exporter.hpp"\n')
code, out = run(dangling)
result(code == 1 and "include/xgrad/io/onnx.hpp: forwards to xgrad/onnx/exporter.hpp, which does not exist" in out,
       "a forwarding header to a missing header fails", out)

print(f"1..{n}")
sys.exit(1 if failed else 0)
