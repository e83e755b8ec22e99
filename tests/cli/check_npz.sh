#!/usr/bin/env bash
# `xgrad train --data-npz FILE`: trains the Dense MLP on arrays written by
# NumPy (three Gaussian blobs in 2 x 5 features, tests/data/write_numpy_files.py)
# and reports a test accuracy well above chance; bad files and flag
# combinations get clear errors.
set -euo pipefail
xgrad=$1
files=$2
fail() { echo "FAIL: $*" >&2; exit 1; }

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
echo "npz ok (test accuracy $acc)"
