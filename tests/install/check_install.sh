#!/usr/bin/env bash
# Installs xgrad into a scratch folder and builds a client against it with
# nothing but `pkg-config --cflags --libs xgrad`, as a separate project would.
set -euo pipefail
build=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

meson install -C "$build" --destdir "$scratch/root" --no-rebuild --quiet >/dev/null
pcdir=$(dirname "$(find "$scratch/root" -name xgrad.pc | head -n 1)")
export PKG_CONFIG_PATH=$pcdir PKG_CONFIG_SYSROOT_DIR=$scratch/root
flags=$(pkg-config --cflags --libs xgrad)

cat > "$scratch/client.cpp" <<'CPP'
#include <xgrad/xgrad.hpp>
#include <iostream>
int main() {
    xgrad::Tensor x = xgrad::tensor({1.0, 2.0, 3.0}).requires_grad_();
    xgrad::Tensor y = (x * x).sum();
    y.backward();
    std::cout << x.grad() << '\n';
    return x.grad().to_vector<double>() == std::vector<double>{2, 4, 6} ? 0 : 1;
}
CPP
# shellcheck disable=SC2086
g++ -O1 "$scratch/client.cpp" -o "$scratch/client" $flags
LD_LIBRARY_PATH=$(dirname "$(find "$scratch/root" -name 'libxgrad.so' | head -n 1)") "$scratch/client"
echo "installed client built with: pkg-config --cflags --libs xgrad -> $flags"
