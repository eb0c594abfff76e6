"""Parses Swift files with tree-sitter-swift: the syntax check available without a Swift
compiler. Catches syntax errors only, not type errors.

Usage: swift_parse_check.py FILE...   Prints `swift-parse: N passed, N failed`.
"""

import sys

import tree_sitter_swift
from tree_sitter import Language, Parser


def errors(node, out, limit=5):
    """Collects up to `limit` ERROR or MISSING nodes under `node`."""
    if len(out) >= limit:
        return out
    if node.is_error or node.is_missing:
        out.append(node)
        return out
    if node.has_error:
        for child in node.children:
            errors(child, out, limit)
    return out


def main(paths):
    parser = Parser(Language(tree_sitter_swift.language()))
    passed = failed = 0
    for path in paths:
        with open(path, "rb") as f:
            tree = parser.parse(f.read())
        if tree.root_node.has_error:
            failed += 1
            for node in errors(tree.root_node, []):
                row, col = node.start_point
                kind = "missing " + node.type if node.is_missing else "syntax error"
                print(f"{path}:{row + 1}:{col + 1}: {kind}", file=sys.stderr)
        else:
            passed += 1
    print(f"swift-parse: {passed} passed, {failed} failed")
    return 1 if failed or not paths else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
