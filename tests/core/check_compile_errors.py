#!/usr/bin/env python3
"""core/compile_errors: mistakes with dtypes fail the build.

Compiles each tests/core/compile_errors/*.cpp with the library's own
command line (from the build's compile_commands.json, so the project's
warning flags are the ones tested), -fsyntax-only: as it is it must
compile, and with -DXGRAD_EXPECT_ERROR it must fail with the message on
its first line (`// expect: MESSAGE`). Prints TAP.

    check_compile_errors.py BUILD_DIR CASES_DIR
"""
import json
import os
import pathlib
import shlex
import subprocess
import sys


def library_command(build_dir):
    """The compiler and flags of a library source file, without its input and outputs."""
    entries = json.loads((build_dir / "compile_commands.json").read_text())
    entry = next(e for e in entries if e["file"].endswith("lib/core/dtype.cpp"))
    args = shlex.split(entry["command"])
    kept = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in ("-o", "-c", "-MQ", "-MF"):
            skip = True
        elif arg != "-MD":
            kept.append(arg)
    return kept, entry["directory"]


def compile_case(command, directory, source, extra):
    # LC_ALL=C: GCC quotes names with ASCII quotes, as the expected messages do.
    return subprocess.run(command + extra + ["-fdiagnostics-color=never", "-fsyntax-only", str(source.resolve())],
                          cwd=directory, capture_output=True, text=True, env=dict(os.environ, LC_ALL="C"))


def main():
    build_dir, cases_dir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    command, directory = library_command(build_dir)
    cases = sorted(cases_dir.glob("*.cpp"))
    print(f"1..{2 * len(cases)}")
    failed = False
    n = 0
    for source in cases:
        expected = source.read_text().splitlines()[0].removeprefix("// expect: ")
        n += 1
        control = compile_case(command, directory, source, [])
        ok = control.returncode == 0
        print(("ok" if ok else "not ok") + f" {n} - {source.stem} compiles without the mistake")
        if not ok:
            print("\n".join("# " + line for line in control.stderr.splitlines()[:20]))
        failed |= not ok
        n += 1
        mistake = compile_case(command, directory, source, ["-DXGRAD_EXPECT_ERROR"])
        ok = mistake.returncode != 0 and "error" in mistake.stderr and expected in mistake.stderr
        print(("ok" if ok else "not ok") + f" {n} - {source.stem}: the mistake fails with \"{expected}\"")
        if not ok:
            print("\n".join("# " + line for line in mistake.stderr.splitlines()[:20]))
        failed |= not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
