#!/usr/bin/env bash
# `mpirun -np 2 xgrad train`: data-parallel training that prints once and ends
# where one process on the global batch ends (float32: the gradients are
# summed in another order, so to ~1e-5; SGD, because Adam's division by
# √v turns rounding differences in near-zero gradients into whole steps),
# and a failure that ends the job.
# Arguments: mpirun, xgrad.
set -euo pipefail
mpirun=$1 xgrad=$2
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
echo "ok"
