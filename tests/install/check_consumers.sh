#!/usr/bin/env bash
# Installs xgrad into a scratch folder and builds a small client against it
# each way a separate project would, as TAP:
#   1. g++ with `pkg-config --cflags --libs xgrad`
#   2. CMake: find_package(xgrad CONFIG REQUIRED), target xgrad::xgrad
#   3. Meson: dependency('xgrad') (pkg-config) against the install
#   4. Meson: xgrad as a subproject, dependency('xgrad') resolved through
#      meson.override_dependency (configured only: building the library a
#      second time would take minutes)
#   5. nothing installed carries -march or AVX flags
#   tests/install/check_consumers.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1
source=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
n=0 failed=0
result() {  # status, description, log file
  n=$((n + 1))
  if [[ $1 -eq 0 ]]; then
    echo "ok $n - $2"
  else
    failed=1
    echo "not ok $n - $2"
    sed 's/^/# /' "$3"
  fi
}

meson install -C "$build" --destdir "$scratch/root" --no-rebuild --quiet >/dev/null || { echo "Bail out! meson install failed"; exit 1; }
pcdir=$(dirname "$(find "$scratch/root" -name xgrad.pc | head -n 1)")
libdir=$(dirname "$(find "$scratch/root" -name 'libxgrad.so' | head -n 1)")
prefix=$(cd "$libdir" && while [[ $(basename "$PWD") != lib && $PWD != / ]]; do cd ..; done; dirname "$PWD")
export PKG_CONFIG_PATH=$pcdir PKG_CONFIG_SYSROOT_DIR=$scratch/root

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

# 1. pkg-config
flags=$(pkg-config --cflags --libs xgrad)
# shellcheck disable=SC2086
{ g++ -O1 "$scratch/client.cpp" -o "$scratch/client_pc" $flags && LD_LIBRARY_PATH=$libdir "$scratch/client_pc"; } \
  >"$scratch/pc.log" 2>&1
result $? "g++ \$(pkg-config --cflags --libs xgrad) client builds and computes dx = 2x" "$scratch/pc.log"

# 2. CMake (tools/setup installs it; skipped with the reason where it is missing)
if ! command -v cmake >/dev/null; then
  n=$((n + 1))
  echo "ok $n - CMake find_package(xgrad) # SKIP cmake is not installed (Debian package cmake)"
else
mkdir -p "$scratch/cmake"
cp "$scratch/client.cpp" "$scratch/cmake/"
cat > "$scratch/cmake/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.20)
project(client CXX)
find_package(xgrad CONFIG REQUIRED)
add_executable(client client.cpp)
target_link_libraries(client PRIVATE xgrad::xgrad)
CMAKE
{ cmake -S "$scratch/cmake" -B "$scratch/cmake/build" -DCMAKE_PREFIX_PATH="$prefix" &&
  cmake --build "$scratch/cmake/build" && LD_LIBRARY_PATH=$libdir "$scratch/cmake/build/client"; } >"$scratch/cmake.log" 2>&1
result $? "CMake find_package(xgrad CONFIG REQUIRED) + xgrad::xgrad client builds and runs" "$scratch/cmake.log"
fi

# 3. Meson against the install
mkdir -p "$scratch/meson"
cp "$scratch/client.cpp" "$scratch/meson/"
cat > "$scratch/meson/meson.build" <<'MESON'
project('client', 'cpp', default_options: ['cpp_std=c++20'])
executable('client', 'client.cpp', dependencies: dependency('xgrad'))
MESON
{ meson setup "$scratch/meson/build" "$scratch/meson" && meson compile -C "$scratch/meson/build" &&
  LD_LIBRARY_PATH=$libdir "$scratch/meson/build/client"; } >"$scratch/meson.log" 2>&1
result $? "Meson dependency('xgrad') client builds against the install and runs" "$scratch/meson.log"

# 4. Meson subproject
mkdir -p "$scratch/sub/subprojects"
cp "$scratch/client.cpp" "$scratch/sub/"
ln -s "$source" "$scratch/sub/subprojects/xgrad"
cat > "$scratch/sub/meson.build" <<'MESON'
project('client', 'cpp', default_options: ['cpp_std=c++20'])
xgrad = dependency('xgrad', fallback: 'xgrad', default_options: ['tests=false', 'examples=false', 'bench=false'])
assert(xgrad.type_name() == 'internal', 'xgrad should come from the subproject')
executable('client', 'client.cpp', dependencies: xgrad)
MESON
PKG_CONFIG_PATH=/nonexistent meson setup "$scratch/sub/build" "$scratch/sub" --force-fallback-for=xgrad \
  >"$scratch/sub.log" 2>&1
result $? "Meson subproject: dependency('xgrad') resolves to the subproject's library" "$scratch/sub.log"

# 5. Nothing installed ties a client to the build machine's CPU
{ ! grep -En -- '-march|-mavx|-mfma' "$pcdir/xgrad.pc" $(find "$scratch/root" -name 'xgrad*.cmake') &&
  [[ -z $(find "$scratch/root" -name 'libxgrad_simd_*') ]]; } >"$scratch/portable.log" 2>&1
result $? "no -march/-mavx/-mfma in the installed pkg-config and CMake files, no per-level kernel archive installed" \
  "$scratch/portable.log"

echo "1..$n"
exit $failed
