#pragma once
// The x86-64 vector levels the kernel families are compiled for (one build
// of each *_kernels.cpp per level, see lib/meson.build), and the choice of
// one level per process (dispatch.cpp): the library runs on any x86-64 CPU
// and still uses AVX2 or AVX-512 where the CPU has them.
namespace xgrad::simd {

/// The vector levels, widest last.
enum class Level { sse2, avx2, avx512 };

/// The level's name: "sse2", "avx2" or "avx512".
const char* level_name(Level level);

/// Whether this CPU (and its operating system) runs the level's instructions.
bool cpu_supports(Level level);

/// The level to use: the widest the CPU supports, or `requested` (a level
/// name, from XGRAD_SIMD) when not null. ValueError for an unknown name or a
/// level the CPU lacks.
Level choose_level(const char* requested);

/// This process's level: choose_level(getenv("XGRAD_SIMD")), chosen on first use.
Level process_level();

}  // namespace xgrad::simd
