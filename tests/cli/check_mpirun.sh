#!/usr/bin/env bash
# `mpirun -np 2 xgrad train`: data-parallel training that prints once and ends
# where one process on the global batch ends (float32: the gradients are
# summed in another order, so to ~1e-5; SGD, because Adam's division by
# √v turns rounding differences in near-zero gradients into whole steps),
# and a failure that ends the job.
# Arguments: mpirun, xgrad, the build folder holding tests/data's NumPy files.
set -euo pipefail
mpirun=$1 xgrad=$2 files=$3
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
run2() { timeout 120 "$mpirun" --allow-run-as-root --oversubscribe -np 2 "$xgrad" "$@"; }
flags=(train --model mlp --optimizer sgd --lr 0.05 --epochs 2 --limit 2000 --verbose 2)

out=$(run2 "${flags[@]}" --batch-size 32 --history "$scratch/two.csv")
[[ $(grep -c "Epoch 2/2" <<<"$out") -eq 1 ]] || fail "expected rank 0 alone to print: $out"
grep -q "data-parallel on 2 ranks: 32 samples per rank per step (global batch 64)" <<<"$out" || fail "no ranks line: $out"
[[ $(grep -c "^test accuracy" <<<"$out") -eq 1 ]] || fail "expected one test accuracy line: $out"
"$xgrad" "${flags[@]}" --batch-size 64 --history "$scratch/one.csv" >/dev/null
python3 - "$scratch/one.csv" "$scratch/two.csv" <<'PY' || fail "histories differ"
import csv, sys
one, two = (list(csv.DictReader(open(p))) for p in sys.argv[1:])
assert len(one) == len(two) == 2, (one, two)
for a, b in zip(one, two):
    for key in a:
        x, y = float(a[key]), float(b[key])
        assert abs(x - y) <= 1e-5 * max(1.0, abs(x)), (key, x, y)
PY

set +e
out=$(run2 train --data "$scratch/nowhere" 2>&1); code=$?
set -e
[[ $code -ne 0 && $code -ne 124 ]] || fail "a missing dataset should end the job, got exit $code"
grep -q "$scratch/nowhere" <<<"$out" || fail "the error should name the folder: $out"
# Ranks given different flags (mpirun's MPMD form "-np 1 cmd args : -np 1 cmd
# other-args") end the job within seconds, naming the difference and both values,
# instead of training apart; so does a rank that rejects its flags (exit 2), without
# waiting out the 600 s default timeout for the ranks whose flags were fine.
unset XGRAD_DISTRIBUTED_TIMEOUT
quick=(train --model mlp --epochs 1 --limit 500 --verbose 0)
mpmd() {  # rank 0's extra flags, then "--", then rank 1's; sets out, code, elapsed
  local zero=() one=() start
  while [[ $1 != -- ]]; do zero+=("$1"); shift; done
  shift
  one=("$@")
  start=$(date +%s)
  set +e
  out=$(timeout 120 "$mpirun" --allow-run-as-root --oversubscribe -np 1 "$xgrad" "${quick[@]}" "${zero[@]}" \
        : -np 1 "$xgrad" "${quick[@]}" "${one[@]}" 2>&1)
  code=$?
  set -e
  elapsed=$(($(date +%s) - start))
}
disagree() {  # expected text (fixed string), rank 0's flags -- rank 1's
  local expected=$1
  shift
  mpmd "$@"
  [[ $code -ne 0 && $code -ne 124 && $elapsed -lt 60 ]] || fail "$*: expected a quick failure, got exit $code after $elapsed s: $out"
  grep -qF "$expected" <<<"$out" || fail "$*: expected '$expected' in: $out"
  echo "# $*: exit $code after $elapsed s" >&2
}
disagree "ranks disagree on the seed: rank 0 has 1, rank 1 has 2" --seed 1 -- --seed 2
disagree "ranks disagree on the learning rate: rank 0 has 0.05, rank 1 has 0.1" --lr 0.05 -- --lr 0.1
disagree "ranks disagree on the optimizer: rank 0 has SGD chain(learning_rate()), 1 parameter group(s), rank 1 has Adam chain(adam(" \
  --optimizer sgd -- --optimizer adam
disagree "activation=tanh" --activation relu -- --activation tanh
disagree "ranks disagree on the batch size: rank 0 has 32, rank 1 has 16" -- --batch-size 16
disagree "rank 1 has SGD chain(clip_by_norm(clipnorm=2), learning_rate())" --clipnorm 1 -- --clipnorm 2

# Only rank 0 writes, so each output must be given to every rank alike; and a rank
# without a test set would end while the others wait for it in evaluate.
disagree "ranks disagree on --save: rank 0 has none, rank 1 has '$scratch/r1.st'; on --history: rank 0 has none, rank 1 has '$scratch/r1.csv'" \
  -- --save "$scratch/r1.st" --history "$scratch/r1.csv"
[[ ! -e $scratch/r1.st && ! -e $scratch/r1.csv ]] || fail "an output given to rank 1 alone was written"
disagree "ranks disagree on --plot: rank 0 has '$scratch/a.svg', rank 1 has '$scratch/b.svg'" \
  --plot "$scratch/a.svg" -- --plot "$scratch/b.svg"

mpmd -- --epochs 0
[[ $code -ne 0 && $code -ne 124 && $elapsed -lt 60 ]] || fail "a rank rejecting --epochs 0 should end the job at once, got exit $code after $elapsed s: $out"
grep -qF "xgrad: rank 1: --epochs expects an integer from 1" <<<"$out" || fail "the rejected flag should be named: $out"
echo "# a rank rejecting its flags: exit $code after $elapsed s" >&2

# (the same training rows; only rank 1's file has a test set)
cp "$files/numpy_blobs.npz" "$scratch/with_test.npz"
python3 - "$scratch/with_test.npz" "$scratch/no_test.npz" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as src, zipfile.ZipFile(sys.argv[2], "w") as dst:
    for name in ("x_train.npy", "y_train.npy"):
        dst.writestr(name, src.read(name))
PY
quick=(train --epochs 1 --verbose 0)
disagree "ranks disagree on the test set: rank 0 has none, rank 1 has x_test [300,2,5]" \
  --data-npz "$scratch/no_test.npz" -- --data-npz "$scratch/with_test.npz"
echo "ok"
