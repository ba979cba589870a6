"""Runs every regular expression of digest/ and bot/ against adversarial text and
prints one JSON line per pattern; run as a child process (`python -m tests.regex_probe`)
so that a pattern that backtracks for ever can be killed (the `re` module holds the GIL
and cannot be interrupted from another thread).

The patterns are collected, not listed: every compiled pattern held by a module (at
module level, or in a module-level tuple/list/dict) plus every string literal passed to
`re.compile/search/match/...` in the source (inline patterns). The inputs are generated
from each pattern's own literals and character sets: long runs of one character or word,
words joined by separators (the shape that makes `(?:\\W*(?:a|b)\\W*)+` exponential),
each followed by a near miss at the end, plus the inputs reported in issue #12.

Each pattern is tried with `findall` (every start position, the worst case of
search/sub/split) and `fullmatch` (anchored at both ends, the worst case of match) on
inputs of about SMALL characters; the slowest inputs are then grown 16-fold and their
time must grow about as much, not 256-fold as a quadratic pattern's does (see probe).
"""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parser  # type: ignore[attr-defined]
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("digest", "bot")
SMALL = 2_000
GROWTH = 16
SMALL_LIMIT = 0.5  # seconds for one call on ~2,000 characters (exponential patterns)
LARGE_FLOOR = 0.2  # seconds on ~32,000 characters below which growth is not judged
RATIO = 80  # growth of the time for 16 times the input: linear ~16-30, quadratic ~256
HOPELESS = 5.0  # seconds on ~32,000 characters: too slow whatever the ratio

# Reported in issue #12: 'x - ' * 13 + 'y' took 20 s in _SOCIAL; the 200-byte feed
# description is x.&amp;lt;? x 16 + ls&amp;lt; (it reaches the summarizer unescaped).
REPORTED = (
    "x - " * 13 + "y",
    "x.&amp;lt;?" * 16 + "ls&amp;lt;",
    "x.&lt;?" * 16 + "ls&lt;",
    "x.<?" * 16 + "ls<",
)
GENERIC_CHARS = (
    " \t\n\r\u00a0\u200f\u2009.,،:;؛-–—/\\<>&#@=!?؟()[]{}*_|'\"«»`~+%$^xXa1١األ\u064b\u0651ـ"
)
SEPARATORS = (" ", " - ", ".", "\n", " \n ", ", ", "&lt;", ".&lt;?", " :- ", "\t", "/")
TAILS = ("\x00", "y", "!")


def collect() -> dict[str, re.Pattern[Any]]:
    """name -> pattern for every pattern of the packages (see the module docstring)."""
    found: dict[str, re.Pattern[Any]] = {}
    for package in PACKAGES:
        base = importlib.import_module(package)
        names = [package] + [
            info.name
            for info in pkgutil.walk_packages(base.__path__, prefix=f"{package}.")
            # alembic's migration scripts run only inside alembic (no text there);
            # digest.eval reads the operator's own evaluation corpora, never feed text
            if not info.name.endswith("__main__")
            and ".migrations" not in info.name
            and not info.name.startswith("digest.eval")
        ]
        for name in names:
            module = importlib.import_module(name)
            for attr, value in vars(module).items():
                for index, pattern in enumerate(_patterns_in(value)):
                    found[f"{name}.{attr}[{index}]"] = pattern
            source = getattr(module, "__file__", None)
            if source and source.endswith(".py"):
                for line, pattern in _inline_patterns(Path(source)):
                    found[f"{name}:{line}"] = pattern
    return found


def _patterns_in(value: object) -> Iterator[re.Pattern[Any]]:
    if isinstance(value, re.Pattern):
        yield value
    elif isinstance(value, (tuple, list, frozenset, set)):
        yield from (v for v in value if isinstance(v, re.Pattern))
    elif isinstance(value, dict):
        yield from (v for v in value.values() if isinstance(v, re.Pattern))


_RE_FUNCTIONS = {"compile", "search", "match", "fullmatch", "sub", "subn", "split"}
_RE_FUNCTIONS |= {"findall", "finditer"}


def _inline_patterns(path: Path) -> Iterator[tuple[int, re.Pattern[Any]]]:
    """Literal patterns given to re.<function>(...) in a source file, with their flags
    when those are plain re.X constants."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.func.attr in _RE_FUNCTIONS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, (str, bytes))
        ):
            continue
        flags = 0
        for arg in [*node.args[1:], *(k.value for k in node.keywords)]:
            for sub in ast.walk(arg):
                if (
                    isinstance(sub, ast.Attribute)
                    and isinstance(sub.value, ast.Name)
                    and sub.value.id == "re"
                    and isinstance(getattr(re, sub.attr, None), int)
                ):
                    flags |= getattr(re, sub.attr)
        yield node.lineno, re.compile(node.args[0].value, flags)


def _alphabet(pattern: re.Pattern[Any]) -> tuple[set[str], set[str]]:
    """(single characters, literal words) the pattern mentions."""
    source = pattern.pattern
    if isinstance(source, bytes):
        source = source.decode("latin-1")
    chars: set[str] = set()
    words: set[str] = set()

    def walk(items: Any) -> None:
        run: list[str] = []
        for op, arg in items:
            if op is sre_constants.LITERAL:
                run.append(chr(arg))
                chars.add(chr(arg))
                continue
            if len(run) >= 2:
                words.add("".join(run))
            run = []
            if op is sre_constants.IN:
                for kind, value in arg:
                    if kind is sre_constants.LITERAL:
                        chars.add(chr(value))
                    elif kind is sre_constants.RANGE:
                        chars.update({chr(value[0]), chr(value[1])})
            elif op is sre_constants.BRANCH:
                for branch in arg[1]:
                    walk(branch)
            elif op is sre_constants.SUBPATTERN:
                walk(arg[-1])
            elif op in (
                sre_constants.MAX_REPEAT,
                sre_constants.MIN_REPEAT,
                sre_constants.POSSESSIVE_REPEAT,
            ):
                walk(arg[2])
            elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
                walk(arg[1])
            elif op is sre_constants.ATOMIC_GROUP:
                walk(arg)
        if len(run) >= 2:
            words.add("".join(run))

    walk(
        sre_parser.parse(
            source, pattern.flags & ~re.ASCII if isinstance(pattern.pattern, str) else pattern.flags
        ).data
    )
    return chars, words


def inputs(pattern: re.Pattern[Any], size: int) -> Iterator[str]:
    """Adversarial texts of about `size` characters for the pattern."""
    chars, words = _alphabet(pattern)
    units = sorted(set(GENERIC_CHARS) | chars | words)
    for unit in units:
        run = unit * max(1, size // len(unit))
        for tail in TAILS:
            yield run + tail
    # words (and single letters) joined by separators, with a near miss at the end
    for word in sorted(words | {"x", "ا", "1", "ab"}):
        for sep in SEPARATORS:
            piece = word + sep
            for tail in TAILS:
                yield piece * max(1, size // len(piece)) + tail
    # pairs of the pattern's own characters repeated (alternatives that overlap)
    pattern_chars = sorted(chars)[:24]
    for a in pattern_chars:
        for b in pattern_chars:
            if a < b:
                yield (a + b) * (size // 2) + "\x00"
    for reported in REPORTED:
        yield reported
        yield reported * max(2, size // len(reported))


def _cost(pattern: re.Pattern[Any], text: str) -> float:
    subject: Any = text.encode("utf-8") if isinstance(pattern.pattern, bytes) else text
    start = time.perf_counter()
    pattern.findall(subject)
    pattern.fullmatch(subject)
    return time.perf_counter() - start


def _best_of(pattern: re.Pattern[Any], text: str, runs: int = 3) -> float:
    """The least of a few timings (other processes share the machine); one run when
    it is already far too slow."""
    best = _cost(pattern, text)
    for _ in range(runs - 1):
        if best > HOPELESS:
            break
        best = min(best, _cost(pattern, text))
    return best


def probe(name: str, pattern: re.Pattern[Any]) -> dict[str, Any]:
    """Times the pattern on its adversarial inputs, then grows the slowest three
    16-fold: a linear pattern takes about 16 times as long (up to ~30 with the cost of
    building long match lists), a quadratic one about 256 times. `superlinear` is set
    when the grown input takes more than LARGE_FLOOR seconds and more than RATIO times
    the small one, or more than HOPELESS seconds, or a small input more than
    SMALL_LIMIT."""
    timed = []
    for text in inputs(pattern, SMALL):
        print(json.dumps({"start": name, "input": text[:40]}), flush=True)
        timed.append((_cost(pattern, text), text))
    timed.sort(key=lambda item: item[0], reverse=True)
    worst_small = timed[0][0] if timed else 0.0
    superlinear = worst_small > SMALL_LIMIT
    worst_large, worst_ratio, worst_input = 0.0, 0.0, ""
    for _cost_small, text in timed[:3]:
        large = text[:-1] * GROWTH + text[-1]
        print(json.dumps({"start": name, "input": large[:40]}), flush=True)
        small_cost = max(_best_of(pattern, text), 1e-6)
        large_cost = _best_of(pattern, large)
        ratio = large_cost / small_cost
        if large_cost > HOPELESS or (large_cost > LARGE_FLOOR and ratio > RATIO):
            superlinear = True
        if large_cost > worst_large:
            worst_large, worst_ratio, worst_input = large_cost, ratio, large[:40]
    return {
        "pattern": name,
        "inputs": len(timed),
        "small": worst_small,
        "large": worst_large,
        "ratio": worst_ratio,
        "worst": worst_input,
        "superlinear": superlinear,
    }


def main() -> None:
    sys.path.insert(0, str(ROOT))
    patterns = collect()
    skip = set(sys.argv[1:])  # names to leave out (exploring after a hang)
    print(json.dumps({"collected": sorted(patterns)}), flush=True)
    probed: set[tuple[object, int]] = set()
    for name, pattern in sorted(patterns.items()):
        key = (pattern.pattern, pattern.flags)  # a module constant and its inline source
        if name in skip or key in probed:
            continue
        probed.add(key)
        print(json.dumps({"result": probe(name, pattern)}), flush=True)
    print(json.dumps({"done": True}), flush=True)


if __name__ == "__main__":
    main()
