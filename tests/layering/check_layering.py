"""The library's floors, as TAP: an #include points only down.

    check_layering.py SOURCE_ROOT

Every folder under lib/ and include/xgrad/ has one rank (RANKS below; a
folder's public headers and its sources share it). A file may include its
own folder and any folder of a strictly lower rank; folders of the same rank
include each other only where SAME_RANK lists the pair. Includes resolve to
folders the way the compiler finds them: "xgrad/nn/…" and <xgrad/nn/…> are
include/xgrad/nn, a private "simd/kernels.hpp" is lib/simd, a bare
"current_node.hpp" is the including file's own folder. A folder missing from
RANKS fails, so a new floor is ranked when it is added. lib/simd includes
only itself (SELF_CONTAINED says why).

A forwarding header, kept for one release at an old public path, is exempt:
it holds only a comment line starting FORWARDING_MARK and one #include of
the new path, which is checked.

The umbrella include/xgrad/xgrad.hpp (like tools/, tests/, examples/) sits
above every floor and is not checked; no library file may include it.
"""
import os
import re
import sys

RANKS = {
    "core": 0,
    "simd": 1, "linalg": 1, "interop": 1,
    "autograd": 2, "ops": 2,  # the engine and the ops that record its nodes
    "distributed": 3,
    "nn": 4, "losses": 4, "optim": 4, "data": 4,
    "io": 5,
    "onnx": 6,
    "train": 7, "models": 7,
}
SAME_RANK = {frozenset({"autograd", "ops"})}
# lib/simd's kernels are compiled once per instruction-set level: an inline
# function from another folder's header compiled there with AVX flags could
# be the copy the linker keeps for the whole library. So lib/simd includes
# only itself, but for the files named here, compiled with baseline flags.
SELF_CONTAINED = {"simd": {"dispatch.cpp"}}
FORWARDING_MARK = "/// Deprecated forwarding header:"
UMBRELLA = "xgrad.hpp"
SOURCE_SUFFIXES = (".hpp", ".cpp", ".h", ".cc", ".ipp", ".inl")

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def ranked(folder):
    return f"{folder} (rank {RANKS[folder]})"


class Tree:
    """The source tree's two roots: lib/ (private) and include/xgrad/ (public)."""

    def __init__(self, root):
        self.root = root
        self.lib = os.path.join(root, "lib")
        self.public = os.path.join(root, "include", "xgrad")

    def folder_of(self, path):
        """The folder (first component under lib/ or include/xgrad/) holding `path`; None above them."""
        for base in (self.lib, self.public):
            rel = os.path.relpath(path, base)
            if not rel.startswith(".."):
                parts = rel.split(os.sep)
                return parts[0] if len(parts) > 1 else None
        return None

    def folders(self):
        """Every folder under lib/ and include/xgrad/, with the path it was found at."""
        found = {}
        for base in (self.lib, self.public):
            if os.path.isdir(base):
                for name in sorted(os.listdir(base)):
                    if os.path.isdir(os.path.join(base, name)):
                        found.setdefault(name, os.path.relpath(os.path.join(base, name), self.root))
        return found

    def files(self):
        for base in (self.lib, self.public):
            for folder, _, names in sorted(os.walk(base)):
                for name in sorted(names):
                    if name.endswith(SOURCE_SUFFIXES):
                        yield os.path.join(folder, name)

    def target_folder(self, path, bracket, included):
        """The folder `included` resolves to from `path`: a folder name, UMBRELLA, or None (not ours)."""
        if bracket == "<":
            if not included.startswith("xgrad/"):
                return None  # a system or third-party header
            return self.public_folder(included)
        beside = os.path.normpath(os.path.join(os.path.dirname(path), included))
        if os.path.exists(beside):
            return self.folder_of(beside) or UMBRELLA
        if included.startswith("xgrad/"):
            return self.public_folder(included)
        return included.split("/")[0] if "/" in included else self.folder_of(path)

    @staticmethod
    def public_folder(included):
        parts = included.split("/")
        return parts[1] if len(parts) > 2 else UMBRELLA


def forwarding_problem(tree, lines):
    """Why a file marked as a forwarding header is not one (None when it is)."""
    content = [line.strip() for line in lines if line.strip()]
    if len(content) != 2 or not content[0].startswith(FORWARDING_MARK):
        return (f"holds {len(content)} non-blank lines; a forwarding header is only the line "
                f"'{FORWARDING_MARK} …' and one #include")
    match = INCLUDE.match(content[1])
    if not match or not match[2].startswith("xgrad/"):
        return f"second line is not an #include of a public header: {content[1]}"
    if not os.path.isfile(os.path.join(tree.root, "include", match[2])):
        return f"forwards to {match[2]}, which does not exist"
    return None


def check(root):
    tree = Tree(root)
    results = []  # (description, [failure lines])

    folders = tree.folders()
    unknown = [f"{path}: folder '{name}' has no rank; add it to RANKS in tests/layering/check_layering.py"
               for name, path in folders.items() if name not in RANKS]
    results.append(("every folder under lib/ and include/xgrad/ has a rank", unknown))

    by_folder = {name: [] for name in sorted(folders, key=lambda f: (RANKS.get(f, -1), f))}
    forwarding = []
    for path in tree.files():
        folder = tree.folder_of(path)
        if folder is None:
            continue  # the umbrella header
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
        where = os.path.relpath(path, root)
        if any(line.lstrip().startswith(FORWARDING_MARK) for line in lines):
            problem = forwarding_problem(tree, lines)
            forwarding.append(f"{where}: {problem}" if problem else None)
            if not problem:
                continue
        for number, line in enumerate(lines, 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            target = tree.target_folder(path, match[1], match[2])
            if target is None or target == folder:
                continue
            if target == UMBRELLA:
                why = f"includes the umbrella {UMBRELLA}, which includes every folder"
            elif folder not in RANKS or target not in RANKS:
                missing = folder if folder not in RANKS else target
                why = f"{folder} → {target}: folder '{missing}' has no rank"
            elif folder in SELF_CONTAINED and os.path.basename(path) not in SELF_CONTAINED[folder]:
                why = f"{folder} → {target}: {folder} is compiled per instruction-set level and includes only itself"
            elif RANKS[target] > RANKS[folder]:
                why = f"{ranked(folder)} → {ranked(target)}: upward"
            elif RANKS[target] == RANKS[folder] and frozenset({folder, target}) not in SAME_RANK:
                why = f"{ranked(folder)} → {ranked(target)}: same rank, not a listed pair"
            else:
                continue
            by_folder[folder].append(f"{where}:{number}: {match[0].strip()}: {why}")

    for folder, failures in by_folder.items():
        rank = f"rank {RANKS[folder]}" if folder in RANKS else "no rank"
        results.append((f"{folder} ({rank}) includes only its own folder and lower ranks", failures))
    marked = [f for f in forwarding if f]
    results.append((f"every forwarding header ({len(forwarding)}) holds only its comment line and one #include", marked))
    return results


def main():
    if len(sys.argv) != 2:
        print("usage: check_layering.py SOURCE_ROOT", file=sys.stderr)
        return 2
    failed = False
    results = check(sys.argv[1])
    for n, (description, failures) in enumerate(results, 1):
        print(f"{'not ok' if failures else 'ok'} {n} - {description}")
        for failure in failures:
            print(f"# {failure}")
            print(failure, file=sys.stderr)  # meson test --print-errorlogs shows stderr, not TAP comments
        failed = failed or bool(failures)
    print(f"1..{len(results)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
