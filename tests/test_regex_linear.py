"""Issue #12, item 1: every regular expression of digest/ and bot/ runs in linear time
on hostile text. The patterns are collected from the code (tests/regex_probe.py), so a
new pattern is checked without being listed here; the probe runs in a child process
because a backtracking `re` call cannot be interrupted in-process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests import regex_probe

ROOT = Path(__file__).resolve().parent.parent
# The whole probe takes ~10 s on an idle core; before the fix of _SOCIAL it never ends.
PROBE_TIMEOUT = 240


def _lines(output: str | bytes | None) -> list[dict[str, object]]:
    if isinstance(output, bytes):
        output = output.decode("utf-8", "replace")
    return [json.loads(line) for line in (output or "").splitlines() if line.startswith("{")]


def test_every_pattern_runs_in_linear_time_on_adversarial_text() -> None:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "tests.regex_probe"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        started = [line for line in _lines(exc.stdout) if "start" in line]
        last = started[-1] if started else {}
        raise AssertionError(
            f"a pattern did not finish in {PROBE_TIMEOUT} s: {last.get('start')} "
            f"on {last.get('input')!r}..."
        ) from None
    assert done.returncode == 0, done.stderr[-3000:]
    lines = _lines(done.stdout)
    collected = next(line["collected"] for line in lines if "collected" in line)
    results = [line["result"] for line in lines if "result" in line]
    assert any(line.get("done") for line in lines)
    # the collector sees the patterns of every module that reads feed or page text
    names = " ".join(collected)  # type: ignore[arg-type]
    for expected in (
        "digest.summarize.boilerplate._SOCIAL",
        "digest.summarize.boilerplate._BOILERPLATE",
        "digest.parse._SOURCE_BREAK",
        "digest.parse._ARABIC_DATE",
        "digest.extract._REFRESH_URL",
        "digest.sentences._CLAUSE_CUT",
        "digest.format.telegram._AUTO_ENTITY",
        "digest.parse:",  # inline patterns too
    ):
        assert expected in names, expected
    assert len(results) >= 80  # distinct patterns
    slow = [r for r in results if r["superlinear"]]
    assert not slow, slow


def test_the_reported_inputs_are_among_the_probes() -> None:
    from digest.summarize.boilerplate import _SOCIAL

    probes = set(regex_probe.inputs(_SOCIAL, 200))
    assert "x - " * 13 + "y" in probes
    assert any(p.startswith("x.&amp;lt;?" * 16) for p in probes)
