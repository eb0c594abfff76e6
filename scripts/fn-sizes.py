#!/usr/bin/env python3
"""Prints the longest Rust functions under the given folders (lines from `fn` to its closing
brace), tests excluded (`#[cfg(test)]` modules and `tests/` folders). A measuring aid for
reviews, not a check.

    scripts/fn-sizes.py core/src cli/src [--top N] [--over N]
"""
import pathlib
import re
import sys

FN = re.compile(r"^\s*(pub(\(\w+\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)")


def functions(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    i = 0
    while i < len(lines):
        if lines[i].strip().startswith("#[cfg(test)]"):
            break
        m = FN.match(lines[i])
        if m:
            depth, opened, j = 0, False, i
            while j < len(lines):
                code = re.sub(r'"(\\.|[^"\\])*"', '""', lines[j].split("//")[0])
                code = re.sub(r"'(\\.|[^'\\])'", "''", code)
                depth += code.count("{") - code.count("}")
                opened = opened or "{" in code
                if opened and depth <= 0:
                    break
                if not opened and code.rstrip().endswith(";"):
                    break
                j += 1
            if opened:
                out.append((j - i + 1, f"{path}:{i + 1}", m.group(6)))
            i = j + 1 if opened and depth <= 0 and j > i and False else i + 1
        else:
            i += 1
    return out


def main(argv):
    top, over, roots = 1, None, []
    it = iter(argv)
    for a in it:
        if a == "--top":
            top = int(next(it))
        elif a == "--over":
            over = int(next(it))
        else:
            roots.append(a)
    for root in roots:
        fns = []
        for p in sorted(pathlib.Path(root).rglob("*.rs")):
            if "tests" in p.parts:
                continue
            fns.extend(functions(p))
        fns.sort(reverse=True)
        print(f"{root}: {len(fns)} functions", end="")
        if over is not None:
            print(f", {sum(1 for f in fns if f[0] > over)} over {over} lines", end="")
        print()
        for n, where, name in fns[:top]:
            print(f"  {n:4} lines  {name}  {where}")


if __name__ == "__main__":
    main(sys.argv[1:])
