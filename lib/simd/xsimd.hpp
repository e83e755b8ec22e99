#pragma once
// <xsimd/xsimd.hpp> for the per-level kernel builds. GCC 12 reports
// -Wmaybe-uninitialized (at -O1, -Wuninitialized) inside its own AVX-512
// intrinsics (_mm512_undefined_*, GCC bug 105593) wherever xsimd inlines
// them; the diagnostic state is tracked by location, so silencing it around
// the include covers exactly those system-header lines (clang has no
// -Wmaybe-uninitialized).
#pragma GCC diagnostic push
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <xsimd/xsimd.hpp>
#pragma GCC diagnostic pop
