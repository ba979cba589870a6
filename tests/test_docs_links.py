"""README.md and docs/*.md point only at files that exist.

The measurement history lives in docs/ and the README links to it; a moved or renamed module,
fixture or docs page must not leave a dangling link or path behind. Checked: every relative
Markdown link (from the linking file's folder) and every path in backticks that starts with a
top-level folder of the repository and names a file (from the repository root). Paths with
wildcards or braces (`tests/fixtures/judged/bullets-*`) are matched as globs."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TOP = "digest|bot|bench|tests|config|contrib|docs"
# a path ends in a file suffix (or "/" for a folder); `tests/run_process.BotProcess` is a name
PATH = re.compile(rf"^(?:{TOP})/[\w./*{{}},\-]*(?:\.[a-z]+(?:\.gz)?|\*|/)$")
LINK = re.compile(r"\]\(([^)\s]+)\)")
CODE = re.compile(r"`([^`\n]+)`")


def _glob(path: str) -> str:
    """A brace list or `...` stands for any text, like `*`."""
    return re.sub(r"\{[^}]*\}|\.\.\.", "*", path)


def _missing(doc: Path) -> tuple[int, list[str]]:
    """How many links and paths `doc` names, and those that do not exist."""
    text = doc.read_text(encoding="utf-8")
    named, missing = 0, []
    for link in LINK.findall(text):
        if re.match(r"[a-z]+:", link) or link.startswith("#"):
            continue
        named += 1
        if not (doc.parent / link.split("#")[0]).exists():
            missing.append(link)
    for code in CODE.findall(text):
        for token in code.split():
            token = token.strip("(),;:")
            if not PATH.match(token):
                continue
            named += 1
            pattern = _glob(token).rstrip("/")
            if not ((ROOT / pattern).exists() or any(ROOT.glob(pattern))):
                missing.append(token)
    return named, missing


def test_the_docs_pages_exist_and_are_linked_from_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("summaries.md", "topics-and-filter.md", "stories.md"):
        assert (ROOT / "docs" / name).is_file()
        assert f"](docs/{name})" in readme, name


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_link_and_path_exists(doc: Path) -> None:
    named, missing = _missing(doc)
    assert named, f"{doc.name}: no links or paths found (the patterns no longer match)"
    assert not missing, f"{doc.name} names what does not exist: {missing}"


def test_a_dangling_path_or_link_is_found(tmp_path: Path) -> None:
    doc = tmp_path / "page.md"
    doc.write_text(
        "`digest/summarize/extractive.py`, `digest/no_such_module.py`, "
        "`tests/fixtures/judged/topics-60e.*`, `tests/fixtures/judged/no-such-sheet-{1,2}.*`, "
        "[here](page.md), [gone](gone.md), [web](https://example.org/x.md)\n",
        encoding="utf-8",
    )
    named, missing = _missing(doc)
    assert named == 6
    assert missing == [
        "gone.md",
        "digest/no_such_module.py",
        "tests/fixtures/judged/no-such-sheet-{1,2}.*",
    ]
