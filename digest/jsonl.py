"""Reading JSON Lines files: one record per line, lines end in "\\n" and nothing else.

`str.splitlines()` also breaks at U+2028, U+2029, U+0085, \\v, \\f and \\x1c-\\x1e, which
JSON allows unescaped inside a string: a valid corpus line holding U+2029 would be cut in
two. Every JSONL reader in the code base goes through `jsonl_lines`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path


def jsonl_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(1-based line number, line) for each non-blank line of a UTF-8 JSONL file, split
    only at "\\n" (a "\\r" before it stays and is JSON whitespace). Raises OSError."""
    with path.open(encoding="utf-8", newline="\n") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line
