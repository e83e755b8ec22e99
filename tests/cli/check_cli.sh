#!/usr/bin/env bash
# The xgrad command line: help, flag errors, summary counts, and a short
# training run on a Fashion-MNIST subset with history files.
set -euo pipefail
xgrad=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# (grep reads all of it: with pipefail, grep -q quitting early would fail the writer)
help=$("$xgrad" --help)
grep -q "usage: xgrad <command>" <<<"$help" || fail "--help"
grep -q "export     write a saved model" <<<"$help" || fail "--help lists export"

set +e
out=$("$xgrad" train --epochz 2 2>&1); code=$?
set -e
[[ $code -eq 2 ]] || fail "unknown flag should exit 2, got $code"
grep -q "unknown flag --epochz for 'train'" <<<"$out" || fail "unknown flag message: $out"

set +e
out=$("$xgrad" train --epochs two 2>&1); code=$?
set -e
[[ $code -eq 2 ]] && grep -q "expects an integer from 1 to 1000000, got 'two'" <<<"$out" || fail "bad number: $out"

set +e
out=$("$xgrad" train --model vgg 2>&1); code=$?
set -e
[[ $code -eq 2 ]] && grep -q "unknown model 'vgg'" <<<"$out" || fail "bad model: $out"

summary=$("$xgrad" summary --model bn-mlp)
for n in "3,136" "235,500" "1,200" "30,100" "1,010" "Total params: 271,346" "Trainable params: 268,978" \
         "Non-trainable params: 2,368"; do
  grep -q "$n" <<<"$summary" || fail "summary lacks $n"
done

cnn=$("$xgrad" summary --model cnn)
for n in "320" "18,496" "401,536" "1,290" "Total params: 421,642"; do
  grep -q "$n" <<<"$cnn" || fail "cnn summary lacks $n"
done
grep -q "Total params: 1,413,834" <<<"$("$xgrad" summary --model book-cnn)" || fail "book-cnn parameter count"

out=$("$xgrad" train --model mlp --optimizer adam --epochs 2 --limit 2000 --batch-size 64 \
      --history "$scratch/h.csv" --plot "$scratch/h.svg" --verbose 2)
grep -q "Epoch 2/2" <<<"$out" || fail "no epoch lines: $out"
acc=$(sed -n 's/^test accuracy: \([0-9.]*\).*/\1/p' <<<"$out")
[[ -n $acc ]] || fail "no test accuracy line: $out"
python3 -c "import sys; sys.exit(0 if float('$acc') > 0.6 else 1)" || fail "test accuracy $acc after 2 short epochs"
head -n 1 "$scratch/h.csv" | grep -q "^epoch,accuracy,loss,val_accuracy,val_loss$" || fail "history csv header"
[[ $(wc -l < "$scratch/h.csv") -eq 3 ]] || fail "history csv rows"
grep -q "<svg" "$scratch/h.svg" || fail "svg"
echo "cli ok (test accuracy after 2 short epochs: $acc)"

# gradient health: the table after each epoch, the SVG, and a diagnosis when training diverges
out=$("$xgrad" train --model mlp --epochs 1 --limit 640 --verbose 2 --diagnose "$scratch/d.svg" --diagnose-every 5)
grep -q "Gradient health after epoch 1:" <<<"$out" || fail "--diagnose table: $out"
grep -q "^  - healthy at step 15" <<<"$out" || fail "--diagnose diagnosis: $out"
grep -q "<title>dense_2, step 15: " "$scratch/d.svg" || fail "--diagnose svg"
# a learning rate of 1000 saturates the softmax at once: the gradients stop
out=$("$xgrad" train --model mlp --epochs 1 --limit 320 --verbose 2 --lr 1000 --diagnose --diagnose-every 1)
grep -q "^  - update ratio .* (barely learning) at step 9" <<<"$out" || fail "--diagnose with lr 1000: $out"
set +e
out=$("$xgrad" train --diagnose-every 0 2>&1); code=$?
set -e
[[ $code -eq 2 ]] && grep -q "diagnose-every expects an integer from 1" <<<"$out" || fail "--diagnose-every 0: $out"
echo "cli diagnose ok"

# the largest batch size is one batch of everything (it used to overflow and train nothing)
out=$("$xgrad" train --model mlp --epochs 1 --limit 300 --batch-size 9223372036854775807 --verbose 2)
grep -q "^1/1 " <<<"$out" || fail "huge batch size: $out"
echo "cli huge batch ok"

out=$("$xgrad" transfer --epochs-a 1 --epochs-frozen 1 --epochs-unfrozen 1 --limit 2000 --save "$scratch/a.safetensors")
grep -q "task B test accuracy: model_B_on_A" <<<"$out" || fail "transfer: $out"
[[ -s "$scratch/a.safetensors" ]] || fail "transfer did not save model A"
echo "cli transfer ok"
