#!/usr/bin/env bash
# Hostile command lines: each must be refused with exit code 2 and a message
# naming the flag, before any work (every case points --data at a folder that
# does not exist, so a flag checked only after loading the dataset would show
# up as a dataset error instead); diverging training must exit 1. TAP output.
set -uo pipefail
xgrad=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
nodata="$scratch/no-such-dataset"
n=0 failed=0

# check EXPECTED_CODE EXPECTED_TEXT ARGS…
check() {
  local code=$1 text=$2; shift 2
  local out got
  out=$(timeout 60 "$xgrad" "$@" 2>&1 </dev/null); got=$?
  n=$((n + 1))
  if [[ $got -eq $code ]] && grep -qF -- "$text" <<<"$out"; then
    echo "ok $n - xgrad $* → exit $code"
  else
    failed=$((failed + 1))
    echo "not ok $n - xgrad $*"
    echo "# expected exit $code and \"$text\", got exit $got:"
    sed 's/^/#   /' <<<"$out"
  fi
}

big=99999999999999999999
range_epochs="expects an integer from 1 to 1000000"
check 2 "--epochs $range_epochs, got '$big'"               train --epochs $big --data "$nodata"
check 2 "--epochs $range_epochs, got '4294967297'"         train --epochs 4294967297 --data "$nodata"
check 2 "--epochs $range_epochs, got '2147483648'"         train --epochs 2147483648 --data "$nodata"
check 2 "--epochs $range_epochs, got '0'"                  train --epochs 0 --data "$nodata"
check 2 "--epochs $range_epochs, got '-1'"                 train --epochs -1 --data "$nodata"
check 2 "--epochs $range_epochs, got ' 3'"                 train --epochs " 3" --data "$nodata"
check 2 "--batch-size expects an integer from 1 to 9223372036854775807, got '9223372036854775808'" \
        train --batch-size 9223372036854775808 --data "$nodata"
check 2 "--batch-size expects an integer from 1 to"        train --batch-size 0 --data "$nodata"
check 2 "--seed expects an integer from 0 to"              train --seed -5 --data "$nodata"
check 2 "--limit expects an integer from 0 to"             train --limit 1e3 --data "$nodata"
check 2 "--verbose expects an integer from 0 to 2, got '3'" train --verbose 3 --data "$nodata"
for lr in inf -inf nan -0.1 0 1e400 0.1x ""; do
  check 2 "--lr expects a finite number > 0, got '$lr'"     train --lr "$lr" --data "$nodata"
done
check 2 "--clipnorm expects a finite number > 0, got 'inf'" train --clipnorm inf --data "$nodata"
check 2 "--clipvalue expects a finite number > 0, got '-1'" train --clipvalue -1 --data "$nodata"
check 2 "unknown optimizer 'adamz'"                          train --optimizer adamz --data "$nodata"
check 2 "--history $scratch/missing/h.csv: cannot write in folder '$scratch/missing': No such file or directory" \
        train --history "$scratch/missing/h.csv" --data "$nodata"
# access(2) lets root pass for /proc; creating the temporary file there fails for everyone
check 2 "--save /proc/xgrad_test.safetensors: cannot write in folder '/proc': " \
        train --save /proc/xgrad_test.safetensors --data "$nodata"
check 2 "--onnx /proc/self/xgrad_test.onnx: cannot write in folder '/proc/self': " \
        train --onnx /proc/self/xgrad_test.onnx --data "$nodata"
check 2 "--save /sys/xgrad_test.safetensors: cannot write in folder '/sys': " \
        transfer --save /sys/xgrad_test.safetensors --data "$nodata"
# --activation and --init are usage errors for every model and command, found before the data
check 2 "--activation: unknown activation 'nope'"           train --activation nope --data "$nodata"
check 2 "--activation: unknown activation 'nope'"           train --model cnn --activation nope --data "$nodata"
check 2 "--init: unknown initializer 'nope'"                train --model bn-mlp --init nope --data "$nodata"
check 2 "--init: unknown initializer 'nope'"                train --data-npz "$scratch/missing.npz" --init nope
check 2 "--activation: unknown activation 'nope'"           summary --activation nope
check 2 "--plot '$scratch': is a folder, expected a file name" train --plot "$scratch" --data "$nodata"
check 2 "--history '': empty file name"                     train --history "" --data "$nodata"
check 2 "flag --epochs needs a value"                       train --epochs
check 2 "--epochs-a $range_epochs, got '0'"                 transfer --epochs-a 0 --data "$nodata"
check 2 "--epochs-unfrozen expects an integer from 0 to 1000000, got '2147483647'" transfer --epochs-frozen 1 --epochs-unfrozen 2147483647 --data "$nodata"
check 2 "--epochs-frozen and --epochs-unfrozen cannot both be 0" \
        transfer --epochs-frozen 0 --epochs-unfrozen 0 --data "$nodata"
check 2 "--save /nonexistent-xgrad/a.safetensors: cannot write in folder '/nonexistent-xgrad'" \
        transfer --save /nonexistent-xgrad/a.safetensors --data "$nodata"
# the dataset folder itself is the next thing checked, with the path in the message
check 1 "$nodata"                                           train --epochs 1 --data "$nodata"
# a learning rate that makes the loss overflow: stopped, exit 1, not "loss: nan" and exit 0
check 1 "train: training diverged (the loss became NaN or infinite)" \
        train --model mlp --lr 1e30 --epochs 3 --limit 256 --verbose 0

echo "1..$n"
exit $((failed > 0))
