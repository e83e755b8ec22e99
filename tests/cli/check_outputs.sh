#!/usr/bin/env bash
# Output files of `xgrad train/export/transfer`: an output that names an input
# (the same name, ./name, a hard link, a symbolic link) or another output is
# refused with exit code 2 before anything is written, and the input keeps its
# bytes; a replaced output keeps its mode, a symbolic link stays a link with
# the new bytes in its target, and temporaries left by killed writers go.
# Arguments: xgrad, the build folder holding tests/data's NumPy files.
set -euo pipefail
xgrad=$(realpath "$1")  # absolute: the checks run in a scratch folder
files=$(realpath "$2")
fail() { echo "FAIL: $*" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
source "$(dirname "$0")/expect_error.sh"
cd "$dir"

cp "$files/numpy_blobs.npz" blobs.npz
"$xgrad" train --data-npz blobs.npz --epochs 1 --verbose 0 --save m.safetensors >/dev/null
ln m.safetensors hard.safetensors
ln -s m.safetensors soft.safetensors
ln -s blobs.npz blobs_link.npz
model_sum=$(sha256sum < m.safetensors)
data_sum=$(sha256sum < blobs.npz)
unchanged() {
  [[ $(sha256sum < m.safetensors) == "$model_sum" ]] || fail "$1: the model file changed"
  [[ $(sha256sum < blobs.npz) == "$data_sum" ]] || fail "$1: the data file changed"
}

# export --onnx naming --model-file
for onnx in m.safetensors ./m.safetensors "$dir/m.safetensors" hard.safetensors soft.safetensors; do
  expect_error 2 "--onnx '$onnx' is the same file as --model-file 'm.safetensors': an output must not replace an input" \
    export --model-file m.safetensors --onnx "$onnx"
  unchanged "export --onnx $onnx"
done
expect_error 2 "--onnx 'm.safetensors' is the same file as --model-file 'soft.safetensors'" \
  export --model-file soft.safetensors --onnx m.safetensors
unchanged "export through a link"

# train outputs naming --data-npz
for flag in save onnx history plot diagnose; do
  for out in blobs.npz ./blobs.npz blobs_link.npz; do
    expect_error 2 "--$flag '$out' is the same file as --data-npz 'blobs.npz': an output must not replace an input" \
      train --data-npz blobs.npz --epochs 1 --verbose 0 "--$flag" "$out"
  done
done
unchanged "train --data-npz"
# two outputs naming one file, existing or not
expect_error 2 "--onnx 'out.bin' is the same file as --save 'out.bin': give each output its own file" \
  train --data-npz blobs.npz --epochs 1 --save out.bin --onnx out.bin
mkdir sub
expect_error 2 "--plot './sub/../out.csv' is the same file as --history 'out.csv': give each output its own file" \
  train --data-npz blobs.npz --epochs 1 --history out.csv --plot ./sub/../out.csv
ln -s out.csv dangling.csv
expect_error 2 "--plot 'dangling.csv' is the same file as --history 'out.csv'" \
  train --data-npz blobs.npz --epochs 1 --history out.csv --plot dangling.csv
expect_error 2 "--diagnose 'hard.safetensors' is the same file as --save 'm.safetensors'" \
  train --data-npz blobs.npz --epochs 1 --save m.safetensors --diagnose hard.safetensors
unchanged "train outputs"
[[ ! -e out.bin && ! -e out.csv ]] || fail "a refused run wrote a file"

# train and transfer outputs naming a dataset file (--data, or $XGRAD_DATA by default)
mkdir fm
echo "not really images" > fm/train-images-idx3-ubyte.gz
ln -s fm/train-images-idx3-ubyte.gz images_link
fm_sum=$(sha256sum < fm/train-images-idx3-ubyte.gz)
expect_error 2 "--save 'images_link' is the same file as --data's file 'fm/train-images-idx3-ubyte.gz'" \
  train --data fm --save images_link
XGRAD_DATA="$dir/fm" expect_error 2 \
  "--history 'fm/train-images-idx3-ubyte.gz' is the same file as the dataset's file '$dir/fm/train-images-idx3-ubyte.gz'" \
  train --history fm/train-images-idx3-ubyte.gz
expect_error 2 "--save './fm/train-images-idx3-ubyte.gz' is the same file as --data's file 'fm/train-images-idx3-ubyte.gz'" \
  transfer --data fm --save ./fm/train-images-idx3-ubyte.gz
[[ $(sha256sum < fm/train-images-idx3-ubyte.gz) == "$fm_sum" ]] || fail "a dataset file changed"
echo "outputs naming inputs refused"

# an output that is (or links to) a FIFO or a device node is refused before training, and stays what it was
mkfifo ofifo
ln -s ofifo fifo_link
not_regular="is not a regular file (a FIFO); only regular files are replaced"
for flag in history plot save onnx diagnose; do
  for out in ofifo fifo_link; do
    expect_error 2 "--$flag $out: $not_regular" train --data-npz blobs.npz --epochs 1 --verbose 2 "--$flag" "$out"
  done
done
out=$("$xgrad" train --data-npz blobs.npz --epochs 1 --verbose 2 --history fifo_link 2>&1) && fail "a FIFO output was taken"
! grep -q "Epoch" <<<"$out" || fail "the FIFO output was refused only after training: $out"
expect_error 2 "--onnx ofifo: $not_regular" export --model-file m.safetensors --onnx ofifo
# two outputs naming one FIFO: refused for what it is, before any comparison of the two
expect_error 2 "--history ofifo: $not_regular" train --data-npz blobs.npz --epochs 1 --history ofifo --plot fifo_link
[[ -p ofifo && -L fifo_link ]] || fail "the FIFO or its link was replaced"
# a private copy of /dev/null (never the system's); mknod needs root
if mknod devnull c 1 3 2>/dev/null; then
  expect_error 2 "--plot devnull: is not a regular file (a device); only regular files are replaced" \
    train --data-npz blobs.npz --epochs 1 --plot devnull
  [[ -c devnull ]] || fail "the device node was replaced"
else
  echo "skipped the device node: mknod needs root"
fi
echo "non-regular outputs refused"

# a replaced output keeps its mode; a new one gets 0666 less the umask
"$xgrad" export --model-file m.safetensors --onnx direct.onnx >/dev/null
[[ $(umask 027; "$xgrad" export --model-file m.safetensors --onnx new.onnx >/dev/null; stat -c %a new.onnx) == 640 ]] ||
  fail "a new file should get 0666 less the umask 027: $(stat -c %a new.onnx)"
chmod 0644 direct.onnx
"$xgrad" export --model-file m.safetensors --onnx direct.onnx >/dev/null
[[ $(stat -c %a direct.onnx) == 644 ]] || fail "the replaced file's mode became $(stat -c %a direct.onnx)"
chmod 0604 m.safetensors
"$xgrad" train --data-npz blobs.npz --epochs 1 --verbose 0 --save m.safetensors >/dev/null
[[ $(stat -c %a m.safetensors) == 604 ]] || fail "train --save changed the mode to $(stat -c %a m.safetensors)"

# a symbolic link output stays a link; its target gets the bytes
mkdir models
echo old > models/model.onnx
ln -s models/model.onnx link.onnx
"$xgrad" export --model-file m.safetensors --onnx link.onnx >/dev/null
[[ -L link.onnx ]] || fail "the link was replaced by a file"
cmp -s models/model.onnx direct.onnx || fail "the link's target does not hold the ONNX bytes"

# temporaries of killed writers go with the next write; other files stay
echo partial > .direct.onnx.tmp.Xy12Z9
echo mine > .direct.onnx.tmp.keep
"$xgrad" export --model-file m.safetensors --onnx direct.onnx >/dev/null
[[ ! -e .direct.onnx.tmp.Xy12Z9 ]] || fail "a stale temporary survived the next write"
[[ -e .direct.onnx.tmp.keep ]] || fail "a file that is no temporary was removed"
echo "outputs ok"
