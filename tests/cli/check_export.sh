#!/usr/bin/env bash
# `xgrad train --save/--onnx` and `xgrad export`: the ONNX file written after
# training and the one exported from the saved model are the same bytes and
# pass Debian python3-onnx's checker; bad flags and files get clear errors.
set -euo pipefail
xgrad=$1
files=$2
python=$3
fail() { echo "FAIL: $*" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$xgrad" train --data-npz "$files/numpy_blobs.npz" --epochs 1 --verbose 0 \
  --save "$dir/model.safetensors" --onnx "$dir/trained.onnx" >/dev/null
out=$("$xgrad" export --model-file "$dir/model.safetensors" --onnx "$dir/exported.onnx")
grep -qF "example input [1,2,5]" <<<"$out" || fail "export printed: $out"
cmp -s "$dir/trained.onnx" "$dir/exported.onnx" || fail "train --onnx and export wrote different files"
if "$python" -c "import onnx" 2>/dev/null; then
  "$python" -c "import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)" \
    "$dir/exported.onnx" || fail "onnx.checker rejects the exported file"
else
  echo "onnx.checker skipped: Debian python3-onnx is not installed"
fi

source "$(dirname "$0")/expect_error.sh"
expect_error 2 "export needs --model-file" export --onnx "$dir/x.onnx"
expect_error 2 "export needs --onnx" export --model-file "$dir/model.safetensors"
expect_error 2 "--input-shape '2,0': expected positive integers" \
  export --model-file "$dir/model.safetensors" --onnx "$dir/x.onnx" --input-shape 2,0
expect_error 2 "--onnx '$dir': is a folder" export --model-file "$dir/model.safetensors" --onnx "$dir"
expect_error 1 "cannot open" export --model-file "$dir/missing.safetensors" --onnx "$dir/x.onnx"
expect_error 1 "dense (Dense): expected input [*, 10], got [1,9]" export --model-file "$dir/model.safetensors" --onnx "$dir/x.onnx" --input-shape 3,3
[[ ! -e $dir/x.onnx ]] || fail "a failed export left a file"
echo "export ok"
