#!/usr/bin/env bash
# `xgrad train --data-npz FILE`: trains the Dense MLP on arrays written by
# NumPy (three Gaussian blobs in 2 x 5 features, tests/data/write_numpy_files.py)
# and reports a test accuracy well above chance; bad files (labels above
# 65,535, x_test rows unlike x_train's) and flag combinations get clear
# errors before any training. Arguments: xgrad, the build folder holding
# tests/data's NumPy files, Debian's python3 (writes the hostile files).
set -euo pipefail
xgrad=$1
files=$2
python=$3  # Debian's, with python3-numpy
fail() { echo "FAIL: $*" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

out=$("$xgrad" train --data-npz "$files/numpy_blobs.npz" --optimizer adam --epochs 5 --verbose 2)
grep -q "Epoch 5/5" <<<"$out" || fail "no epoch lines: $out"
grep -q "26/26" <<<"$out" || fail "810 training rows in batches of 32 should be 26 steps: $out"
acc=$(sed -n 's/^test accuracy: \([0-9.]*\).*/\1/p' <<<"$out")
python3 -c "import sys; sys.exit(0 if float('$acc') > 0.85 else 1)" || fail "test accuracy $acc (chance 0.33; seeds 1-3 give 0.90-0.91)"

source "$(dirname "$0")/expect_error.sh"
expect_error 1 "not a zip file" train --data-npz "$files/numpy_f32.npy"
expect_error 1 "no array 'x_train' (it holds: big)" train --data-npz "$files/numpy_large.npz"
expect_error 1 "cannot open" train --data-npz "$files/missing.npz"
expect_error 2 "--data and --data-npz cannot be combined" train --data-npz "$files/numpy_blobs.npz" --data /tmp
# Usage errors, checked before the (missing) file would be read.
expect_error 2 "--activation: unknown activation 'nope'" train --data-npz "$files/missing.npz" --activation nope
expect_error 2 "--init: unknown initializer 'nope'" train --data-npz "$files/missing.npz" --init nope
expect_error 2 "not --model cnn" train --data-npz "$files/numpy_blobs.npz" --model cnn

# The output layer has one unit per class up to the largest label: labels
# are bounded (0 … 65,535), so a 4.5 KB file cannot ask for a 3.6 GB layer,
# nor INT64_MAX overflow the count.
"$python" - "$scratch" <<'PY'
import sys
import numpy as np
out = sys.argv[1]
x = np.random.default_rng(0).normal(size=(20, 5)).astype(np.float32)
def labels(top, dtype=np.int64):
    y = np.arange(20, dtype=dtype) % 2
    y[3] = top
    return y
np.savez(f"{out}/label_2e6.npz", x_train=x, y_train=labels(2_000_000))
np.savez(f"{out}/label_1e8.npz", x_train=x, y_train=labels(100_000_000))
np.savez(f"{out}/label_max.npz", x_train=x, y_train=labels(np.iinfo(np.int64).max))
np.savez(f"{out}/label_65536.npz", x_train=x, y_train=labels(65_536))
np.savez(f"{out}/label_65535.npz", x_train=x, y_train=labels(65_535))
np.savez_compressed(f"{out}/features_4m.npz", x_train=np.zeros((2, 4_000_000), np.uint8), y_train=np.arange(2))
np.savez_compressed(f"{out}/features_2p20.npz", x_train=np.zeros((2, 1024, 1025), np.uint8), y_train=np.arange(2))
np.savez(f"{out}/test_label.npz", x_train=x, y_train=labels(1), x_test=x[:4], y_test=np.array([0, 1, 70_000, 1]))
np.savez(f"{out}/test_features.npz", x_train=x, y_train=labels(1), x_test=x[:4, :4], y_test=labels(1)[:4])
np.savez(f"{out}/test_rank.npz", x_train=x, y_train=labels(1), x_test=x[:4].reshape(4, 5, 1), y_test=labels(1)[:4])
PY
bound="labels are class indices from 0 to 65535 (at most 65536 classes)"
expect_error 1 "$scratch/label_2e6.npz: y_train holds the label 2000000 at row 3; $bound" \
  train --data-npz "$scratch/label_2e6.npz" --epochs 1 --verbose 0
expect_error 1 "$scratch/label_1e8.npz: y_train holds the label 100000000 at row 3; $bound" \
  train --data-npz "$scratch/label_1e8.npz" --epochs 1 --verbose 0
expect_error 1 "$scratch/label_max.npz: y_train holds the label 9223372036854775807 at row 3; $bound" \
  train --data-npz "$scratch/label_max.npz" --epochs 1 --verbose 0
expect_error 1 "$scratch/label_65536.npz: y_train holds the label 65536 at row 3; $bound" \
  train --data-npz "$scratch/label_65536.npz" --epochs 1 --verbose 0
expect_error 1 "$scratch/test_label.npz: y_test holds the label 70000 at row 2; $bound" \
  train --data-npz "$scratch/test_label.npz" --epochs 1 --verbose 0
# the largest label allowed: 65,536 outputs
"$xgrad" train --data-npz "$scratch/label_65535.npz" --epochs 1 --verbose 0 --save "$scratch/wide.safetensors" >/dev/null
"$python" -c "import json, struct, sys
f = open(sys.argv[1], 'rb'); header = json.loads(f.read(struct.unpack('<Q', f.read(8))[0]))
sys.exit([100, 65536] not in [t['shape'] for name, t in header.items() if name != '__metadata__'])" \
  "$scratch/wide.safetensors" || fail "label 65535 should build a 65536-way output layer"

# features per row: 1,048,576 at most (the first Dense layer has 300 weights per feature)
fbound="features per row; at most 1048576 features per row (the first Dense layer has 300 weights per feature)"
expect_error 1 "$scratch/features_4m.npz: x_train is [2,4000000], 4000000 $fbound" \
  train --data-npz "$scratch/features_4m.npz" --epochs 1 --verbose 0
expect_error 1 "$scratch/features_2p20.npz: x_train is [2,1024,1025], 1049600 $fbound" \
  train --data-npz "$scratch/features_2p20.npz" --epochs 1 --verbose 0
grep -qF "(at most 1,048,576" <<<"$("$xgrad" train --help)" || fail "--help does not state the features bound"

# x_test rows shaped unlike x_train's: refused when the arrays load, before any training
for f in test_features test_rank; do
  set +e
  out=$("$xgrad" train --data-npz "$scratch/$f.npz" --epochs 1 --verbose 2 2>&1); code=$?
  set -e
  [[ $code -eq 1 ]] || fail "$f: exit $code: $out"
  grep -qF "$scratch/$f.npz: x_test rows are " <<<"$out" || fail "$f: $out"
  ! grep -q "Epoch" <<<"$out" || fail "$f: the mismatch was found only after training: $out"
done
expect_error 1 "x_test rows are [4], x_train rows [5] (the model takes x_train's)" \
  train --data-npz "$scratch/test_features.npz" --epochs 1
expect_error 1 "x_test rows are [5,1], x_train rows [5]" train --data-npz "$scratch/test_rank.npz" --epochs 1
echo "npz ok (test accuracy $acc)"
