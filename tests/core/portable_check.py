#!/usr/bin/env python3
"""core/portable: the library runs on any x86-64 CPU.

Disassembles the library and fails (TAP) if a function outside the per-level
kernels (xgrad::simd::avx2::, xgrad::simd::avx512::, or an xsimd template
instantiated for those architectures) uses an instruction a baseline x86-64
CPU lacks: VEX/EVEX-encoded ones (AVX, AVX2, FMA, AVX-512: mnemonics
starting with v, ymm/zmm or mask registers) or the bit-manipulation and
popcnt instructions the AVX flags enable. Such a function would be an
out-of-line copy compiled for AVX that the linker kept for everyone.

    portable_check.py LIBRARY
"""
import re
import subprocess
import sys

LEVEL_SPECIFIC = re.compile(r"xgrad::simd::avx(2|512)::|xsimd::(avx|fma3)")
FUNCTION = re.compile(r"^[0-9a-f]+ <(.*)>:$")
WIDE = re.compile(r"%[yz]mm|%k[0-7]\b")
# Not tzcnt: GCC emits `rep bsf` for __builtin_ctz, which objdump shows as
# tzcnt and CPUs without BMI run as bsf.
EXTENSION_MNEMONICS = {"popcnt", "lzcnt", "andn", "bextr", "blsi", "blsmsk", "blsr", "bzhi", "pdep",
                       "pext", "rorx", "sarx", "shlx", "shrx", "mulx", "movbe"}


def offenders(disassembly):
    """(function, instruction) for the first offending instruction of each function."""
    found = {}
    function = None
    for line in disassembly.splitlines():
        header = FUNCTION.match(line)
        if header:
            function = header.group(1)
            continue
        parts = line.split("\t")
        if function is None or len(parts) < 2 or function in found or LEVEL_SPECIFIC.search(function):
            continue
        instruction = parts[-1].strip()
        mnemonic = instruction.split(" ")[0]
        if (mnemonic.startswith("v") and mnemonic not in ("verr", "verw")) or mnemonic in EXTENSION_MNEMONICS \
                or WIDE.search(instruction):
            found[function] = instruction
    return found


def main():
    library = sys.argv[1]
    disassembly = subprocess.run(["objdump", "-d", "-C", "--no-show-raw-insn", library], check=True,
                                 capture_output=True, text=True).stdout
    kernels = sum(1 for line in disassembly.splitlines()
                  if FUNCTION.match(line) and "xgrad::simd::avx512::" in line)
    bad = offenders(disassembly)
    print("1..2")
    print(("ok" if kernels else "not ok") + f" 1 - {kernels} AVX-512 kernel functions found")
    for function, instruction in sorted(bad.items())[:20]:
        print(f"# {function}: {instruction}")
    print(("ok" if not bad else "not ok") + f" 2 - {len(bad)} functions outside the per-level kernels use AVX or later")
    return 1 if bad or not kernels else 0


if __name__ == "__main__":
    sys.exit(main())
