"""Bullets judged the way readers judge them: a blind side-by-side sheet (ours vs Lead-3)
for technology articles of an ANT-format corpus, the reading of a filled-in sheet, and
automatic defect counts.

The technology articles are split once, by a hash of their id, into a *tune* part (the
only articles looked at while fixing defects) and a *judge* part (the sheet's articles).
On the sheet each article shows its title and text, then two bullet lists "A" and "B":
ours and Lead-3 (the first three sentences by our splitter), in an order shuffled per
article by a hash of its id. Which is which is written to a separate key file that the
judge never sees. The judge fills an answer CSV: id, preferred (A/B/tie), defects_A,
defects_B (codes of `DEFECT_KINDS` or free text), note.

Run: ``newsdigest eval bullets --corpus ../shared/corpora/ant/dev.jsonl --sheet OUT.md``
then ``newsdigest eval bullets --read FILLED.csv --key OUT.key.csv``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import pathlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ..sentences import segment
from ..summarize.boilerplate import is_boilerplate
from ..summarize.extractive import ExtractiveSummarizer
from ..summarize.residue import (
    has_call_to_action,
    has_dateline,
    has_hashtag,
    has_leading_connective,
)

__all__ = [
    "DEFECT_KINDS",
    "DefectCounts",
    "SheetArticle",
    "automatic_defects",
    "format_defects",
    "is_judge",
    "lead3",
    "load_technology",
    "read_answers",
    "split_tune_judge",
    "usable_sentences",
    "write_sheet",
]

DEFECT_KINDS = (
    "broken_clause",
    "distortion",
    "leans_on_missing",
    "connective",
    "boilerplate",
    "repeat",
    "missing_lead",
    "other",
)
ANSWER_COLUMNS = ("id", "preferred", "defects_A", "defects_B", "note")
_TEXT_SHOWN = 1500  # characters of article text on the sheet
_MAX_ARTICLES = 1000  # a sheet is read by a person: bounded
_MAX_ANSWER_ROWS = 10_000
_LONG_BULLET = 300  # characters


@dataclass(frozen=True)
class SheetArticle:
    id: str
    title: str
    text: str


def _hash(salt: str, key: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{salt}:{key}".encode()).digest()[:8], "big")


def load_technology(
    path: pathlib.Path, passes: Callable[[str, str], bool] | None = None
) -> list[SheetArticle]:
    """The technology articles of an ANT-format JSONL file (label "technology"); with
    `passes` (title, text -> bool: the bot's technology filter), also the articles of other
    desks it passes: what the bot would summarise from a general feed.
    Raises OSError, ValueError."""
    articles: list[SheetArticle] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                desk = record.get("label") == "technology"
                if not desk and passes is None:
                    continue
                article = SheetArticle(str(record["id"]), str(record["title"]), str(record["text"]))
            except (AttributeError, KeyError, TypeError, ValueError) as error:
                raise ValueError(f"{path}:{number}: bad record ({error})") from error
            if desk or (passes is not None and passes(article.title, article.text)):
                articles.append(article)
    return articles


def split_tune_judge(
    articles: Iterable[SheetArticle],
) -> tuple[list[SheetArticle], list[SheetArticle]]:
    """(tune, judge): half and half by a hash of the id, the same on every run and
    machine. Only the tune part is looked at while fixing the bullets."""
    tune: list[SheetArticle] = []
    judge: list[SheetArticle] = []
    for article in articles:
        (judge if is_judge(article.id) else tune).append(article)
    return tune, judge


def is_judge(article_id: str) -> bool:
    """Whether an article id falls in the judge half (never read while tuning)."""
    return _hash("bullets-split", article_id) % 2 == 1


def lead3(text: str) -> list[str]:
    """Lead-3: the first three sentences by our splitter (headings skipped), as written."""
    return [s.text for s in segment(text) if not s.heading][:3]


def _ours_first(article_id: str) -> bool:
    return _hash("bullets-order", article_id) % 2 == 0


def _md_line(text: str) -> str:
    """One line of Markdown that shows the text as written (no markup, no HTML)."""
    flat = " ".join(text.split())
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", flat)


def write_sheet(
    corpus: pathlib.Path,
    sheet: pathlib.Path,
    *,
    n: int = 40,
    summarizer: ExtractiveSummarizer | None = None,
    skip: pathlib.Path | None = None,
    passes: Callable[[str, str], bool] | None = None,
) -> tuple[pathlib.Path, pathlib.Path]:
    """Write the blind sheet for `n` judge-part technology articles of `corpus` (chosen
    by a hash of the id) to `sheet`, a blank answer CSV next to it (same name, .csv) and
    the key (.key.csv: id, A, B = "ours"/"lead3"). `skip`: a CSV with an "id" column (an
    already judged sheet's answers or key) whose articles are not put on this sheet, so
    that a fresh sheet can be judged blind again. `passes`: also other desks' articles the
    technology filter passes (see `load_technology`). Returns (answers, key) paths.
    Raises OSError, ValueError."""
    if not 1 <= n <= _MAX_ARTICLES:
        raise ValueError(f"--n must be from 1 to {_MAX_ARTICLES}")
    summarizer = summarizer or ExtractiveSummarizer()
    skipped = read_ids(skip) if skip is not None else frozenset()
    _, judge = split_tune_judge(load_technology(corpus, passes))
    fresh = [article for article in judge if article.id not in skipped]
    chosen = sorted(fresh, key=lambda a: _hash("bullets-pick", a.id))[:n]
    answers = sheet.with_suffix(".csv")
    key = sheet.with_suffix(".key.csv")
    lines = [
        f"# Bullets, blind side by side ({len(chosen)} technology articles)",
        "",
        "For each article: read the title and the text, then the two bullet lists A and B.",
        "Which list would an editor rather publish as the article's summary? Write in the",
        f"answer file ({answers.name}) one row per article: preferred = A, B or tie;",
        "defects_A / defects_B = the defects you see in each list, as codes separated by",
        "spaces (or free text): " + ", ".join(DEFECT_KINDS) + ".",
        "",
        "- broken_clause: a bullet cut so that what is left is incomplete",
        "- distortion: a bullet says something the article does not (a cut changed a fact)",
        "- leans_on_missing: a bullet needs a sentence that is not shown (who, what 'this' is)",
        "- connective: a bullet starts with و/ف/كما/لكن ... that needs the sentence before",
        "- boilerplate: dateline, agency tag, hashtag, call to action, promo, caption",
        "- repeat: the same fact twice",
        "- missing_lead: the article's main news is not in the list",
        "",
    ]
    key_rows: list[tuple[str, str, str]] = []
    for number, article in enumerate(chosen, 1):
        ours = list(summarizer.summarize(article.title, article.text))
        lead = lead3(article.text)
        first, second = (ours, lead) if _ours_first(article.id) else (lead, ours)
        key_rows.append(
            (article.id, *(("ours", "lead3") if _ours_first(article.id) else ("lead3", "ours")))
        )
        text = article.text[:_TEXT_SHOWN]
        more = " …" if len(article.text) > _TEXT_SHOWN else ""
        lines += [
            "---",
            "",
            f"## {number}. {article.id}",
            "",
            f"**{_md_line(article.title)}**",
            "",
        ]
        lines += [f"> {_md_line(p)}" + "\n>" for p in text.split("\n") if p.strip()]
        lines[-1] = lines[-1].removesuffix("\n>") + more
        for name, bullets in (("A", first), ("B", second)):
            lines += ["", f"**{name}**", ""]
            lines += [f"- {_md_line(b)}" for b in bullets] or ["- (nothing)"]
        lines.append("")
    sheet.write_text("\n".join(lines), encoding="utf-8")
    with answers.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ANSWER_COLUMNS)
        for article in chosen:
            writer.writerow((article.id, "", "", "", ""))
    with key.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("id", "A", "B"))
        writer.writerows(key_rows)
    return answers, key


def read_ids(path: pathlib.Path) -> frozenset[str]:
    """The ids of a sheet's CSV (its "id" column; answers and key files both have one).
    Raises OSError, ValueError (no "id" column)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "id" not in reader.fieldnames:
            raise ValueError(f"{path}: no id column")
        return frozenset(row["id"].strip() for row in reader if (row.get("id") or "").strip())


def _defect_codes(cell: str) -> list[str]:
    """The defect kinds written in a cell: known codes, anything else counts as other."""
    words = [w for w in re.split(r"[\s,;؛،]+", cell.strip().lower()) if w]
    if not words:
        return []
    known = [w for w in words if w in DEFECT_KINDS]
    return known if len(known) == len(words) else [*known, "other"]


def read_answers(filled: pathlib.Path, key: pathlib.Path) -> str:
    """The printable result of a filled-in sheet: ours vs Lead-3 wins/ties/losses and
    the defects by kind of each. Raises OSError, ValueError (unknown id, bad answer)."""
    with key.open(encoding="utf-8", newline="") as handle:
        sides = {row["id"]: (row["A"], row["B"]) for row in csv.DictReader(handle)}
    outcome: Counter[str] = Counter()
    defects: dict[str, Counter[str]] = {"ours": Counter(), "lead3": Counter()}
    with filled.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), 2):
            if number > _MAX_ANSWER_ROWS:
                raise ValueError(f"{filled}: more than {_MAX_ANSWER_ROWS} rows")
            article_id = (row.get("id") or "").strip()
            if article_id not in sides:
                raise ValueError(f"{filled}:{number}: id {article_id!r} is not in the key")
            a_is, b_is = sides[article_id]
            preferred = (row.get("preferred") or "").strip().lower()
            if preferred == "a":
                outcome["win" if a_is == "ours" else "loss"] += 1
            elif preferred == "b":
                outcome["win" if b_is == "ours" else "loss"] += 1
            elif preferred == "tie":
                outcome["tie"] += 1
            elif preferred == "":
                outcome["unanswered"] += 1
                continue
            else:
                raise ValueError(f"{filled}:{number}: preferred must be A, B or tie")
            for side, column in ((a_is, "defects_A"), (b_is, "defects_B")):
                defects[side].update(_defect_codes(row.get(column) or ""))
    answered = outcome["win"] + outcome["tie"] + outcome["loss"]
    lines = [
        f"Bullets judged blind on {answered} articles ({outcome['unanswered']} unanswered)",
        f"  ours vs Lead-3: {outcome['win']} wins, {outcome['tie']} ties, {outcome['loss']} losses",
    ]
    for side, name in (("ours", "ours"), ("lead3", "Lead-3")):
        kinds = ", ".join(f"{k} {defects[side][k]}" for k in DEFECT_KINDS if defects[side][k])
        lines.append(f"  defects of {name}: {kinds or 'none'}")
    return "\n".join(lines)


# --- automatic defect counts -----------------------------------------------------------


@dataclass(frozen=True)
class DefectCounts:
    """Automatic defect counts of the bullets of a set of articles."""

    articles: int = 0
    bullets: int = 0
    leading_connective: int = 0
    dateline: int = 0
    hashtag: int = 0
    call_to_action: int = 0
    over_300_chars: int = 0
    too_few: int = 0  # < 3 bullets although the article has >= 3 usable sentences
    examples: dict[str, list[str]] = field(default_factory=dict, compare=False)


def usable_sentences(text: str) -> int:
    """Sentences a bullet could be made of: ended by a stop, not a question, not
    boilerplate, at least 6 words."""
    count = 0
    for s in segment(text):
        words = s.text.split()
        if (
            s.heading
            or not s.terminated
            or len(words) < 6
            or s.text.rstrip().endswith(("?", "؟"))
            or is_boilerplate(s.text)
        ):
            continue
        count += 1
    return count


def automatic_defects(
    articles: Sequence[SheetArticle], summarizer: ExtractiveSummarizer, *, examples: int = 0
) -> DefectCounts:
    """Count the defects a rule can see in the bullets of `articles`; keep up to
    `examples` bullets of each kind (for tuning)."""
    counts: Counter[str] = Counter()
    shown: dict[str, list[str]] = {}

    def note(kind: str, bullet: str) -> None:
        counts[kind] += 1
        if len(shown.setdefault(kind, [])) < examples:
            shown[kind].append(bullet)

    for article in articles:
        bullets = summarizer.summarize(article.title, article.text)
        counts["bullets"] += len(bullets)
        if len(bullets) < 3 and usable_sentences(article.text) >= 3:
            note("too_few", f"{article.id}: {len(bullets)} bullets")
        for bullet in bullets:
            if has_leading_connective(bullet, article.text):
                note("leading_connective", bullet)
            if has_dateline(bullet):
                note("dateline", bullet)
            if has_hashtag(bullet):
                note("hashtag", bullet)
            if has_call_to_action(bullet):
                note("call_to_action", bullet)
            if len(bullet) > _LONG_BULLET:
                note("over_300_chars", bullet)
    return DefectCounts(
        articles=len(articles),
        bullets=counts["bullets"],
        leading_connective=counts["leading_connective"],
        dateline=counts["dateline"],
        hashtag=counts["hashtag"],
        call_to_action=counts["call_to_action"],
        over_300_chars=counts["over_300_chars"],
        too_few=counts["too_few"],
        examples=shown,
    )


def format_defects(name: str, counts: DefectCounts) -> str:
    """One printable block of automatic defect counts."""
    share = 100 / max(1, counts.bullets)
    return "\n".join(
        [
            f"  {name}: {counts.articles} articles, {counts.bullets} bullets",
            f"    leading connective   {counts.leading_connective:>5} "
            f"({counts.leading_connective * share:.1f} % of bullets)",
            f"    dateline             {counts.dateline:>5}",
            f"    hashtag              {counts.hashtag:>5}",
            f"    call to action       {counts.call_to_action:>5}",
            f"    over 300 characters  {counts.over_300_chars:>5}",
            f"    < 3 bullets although >= 3 usable sentences  {counts.too_few:>5} "
            f"({100 * counts.too_few / max(1, counts.articles):.1f} % of articles)",
        ]
    )


def run_defect_report(corpus: pathlib.Path, summarizer: ExtractiveSummarizer | None = None) -> str:
    """Automatic defect counts of our bullets on the technology articles of an
    ANT-format corpus: the tune part and all of them."""
    summarizer = summarizer or ExtractiveSummarizer()
    articles = load_technology(corpus)
    tune, _ = split_tune_judge(articles)
    return "\n".join(
        [
            f"Automatic bullet defects on the technology articles of {corpus}",
            format_defects("tune part", automatic_defects(tune, summarizer)),
            format_defects("all", automatic_defects(articles, summarizer)),
        ]
    )
