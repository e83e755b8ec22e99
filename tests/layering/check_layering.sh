#!/usr/bin/env bash
# The library's layering, as TAP: lower layers never include higher ones.
#   optim knows tensors and named tensors, not modules;
#   io knows the layer registry, not the layers;
#   core, autograd and ops know nothing of nn, optim, io or train;
#   the per-level SIMD kernels (lib/simd) know nothing of the rest.
set -uo pipefail
root=$1
n=0
failed=0
check() {  # description, files…, -- , forbidden include pattern
  local what=$1 pattern=$2; shift 2
  n=$((n + 1))
  local hits
  hits=$(grep -nE "#include \"(xgrad/)?($pattern)" "$@" 2>/dev/null)
  if [[ -z $hits ]]; then
    echo "ok $n - $what"
  else
    echo "not ok $n - $what"
    sed 's/^/# /' <<<"$hits"
    failed=1
  fi
}
check "optim does not include nn" "nn/" "$root"/lib/optim/* "$root"/include/xgrad/optim/*
check "io does not include layers" "nn/(dense|batch_norm|dropout|flatten|activation_layers|sequential)" \
  "$root"/lib/io/* "$root"/include/xgrad/io/*
check "core, autograd and ops do not include nn, optim, io, train" "(nn|optim|io|train)/" \
  "$root"/lib/core/* "$root"/lib/autograd/* "$root"/lib/ops/* \
  "$root"/include/xgrad/core/* "$root"/include/xgrad/autograd/* "$root"/include/xgrad/ops/*
check "the per-level kernels include no other library header (what they instantiate stays their own)" \
  "(core|autograd|ops|nn|optim|io|train|data|losses|models|distributed|linalg)/" \
  "$root"/lib/simd/*_kernels.cpp "$root"/lib/simd/*_kernels.hpp "$root"/lib/simd/binary_loop.hpp \
  "$root"/lib/simd/xsimd.hpp
echo "1..$n"
exit $failed
