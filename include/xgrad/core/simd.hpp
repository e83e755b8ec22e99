#pragma once
/// \file
/// Which vector instructions xgrad's own elementwise kernels use.
///
/// The library is compiled for any x86-64 CPU; its hot loops (unary math and
/// activations, binary arithmetic and comparisons, max pooling, Adam) are
/// compiled once more for AVX2 + FMA and for AVX-512, and each process
/// uses the widest level its CPU runs. The environment variable XGRAD_SIMD
/// (`sse2`, `avx2` or `avx512`) chooses a narrower level instead, e.g. to
/// compare results. oneDNN and OpenBLAS choose their own kernels.
#include <string_view>

namespace xgrad {

/// The level in use: "sse2", "avx2" or "avx512", chosen on first use.
/// Throws ValueError if XGRAD_SIMD names an unknown level or one this CPU
/// lacks.
///
///     std::cout << "xgrad kernels: " << xgrad::simd_level() << '\n';
std::string_view simd_level();

}  // namespace xgrad
