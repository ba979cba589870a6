"""Candidate same-event pairs for labelling (issue #14, phase 1: the sheet, not the labels).

From the ANT pool (26,074 articles, 5 outlets, `published` in UTC) this builds about 500
pairs of articles from two DIFFERENT outlets published at most 48 hours apart, sampled
across the similarity range, plus hard negative candidates, and writes:

* ``tests/fixtures/clusters/story_pairs_candidates.csv``: ids, sampling bucket, tune/report
  split and similarity figures; never corpus text (the texts are not ours to ship);
* the judges' sheets, outside the repository: ``pairs-NN.md`` (outlet, time, title and the
  first ~600 characters of both articles; no bucket, no similarity) and blank answer files
  ``pairs-NN.csv`` (pair_id,label,note), with ~40 pairs on two sheets for agreement.

Similarity figures, all over the title plus the first `LEAD_CHARS` characters of the body,
reduced to the clusterer's light stems (`digest.cluster.content_words`):

* ``cos``: TF-IDF cosine (sublinear tf, idf = ln(N / df) over the pool); the buckets.
* ``idf_jaccard``: IDF-weighted Jaccard of the two stem sets.
* ``title_rare``: IDF of the rarest title stem both titles share (0 when none).
* ``shared_names``: Latin words and numbers (2+ characters, not years) both leads contain.
* ``hours``: time between the two publications.

Sampling is deterministic: every choice is "first in SHA-1 order of a seeded key", so the
same pool gives the same pairs on any machine. Inside each cosine band half the quota
comes from pairs whose titles share a rare stem or a Latin name/number (where differently
worded reports of one event sit) and half from the others; in every stratum about
`TECH_SHARE` of the pairs have a technology article (a tech bot), the rest any label.
Hard negatives: same label, same UTC day, same subject (a shared rare title stem or the
same kind of event: a match, a launch, a statement or reaction), cosine 0.08-0.35.
The split is by hash of the pair id: ``tune`` or ``report``, about half each.

    python -m digest.eval.story_pairs [--pool ../shared/corpora/ant/pool.jsonl]
        [--out tests/fixtures/clusters/story_pairs_candidates.csv] [--sheets /work/sheets]

A fresh, disjoint test set (same design, new seed, no pair and no article of the first
sample, every pair in the report split; the fresh set of issue #14 was drawn with):

    python -m digest.eval.story_pairs --salt fresh1 --pairs 180 --sheet-count 2 --double 0 \
        --split report --exclude tests/fixtures/clusters/story_pairs_candidates.csv \
        --out tests/fixtures/clusters/story_pairs_fresh_candidates.csv --sheets /work/sheets/fresh
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import sys
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ..arabic import normalize, tokenize
from ..cluster import content_words

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_POOL = ROOT.parent / "shared" / "corpora" / "ant" / "pool.jsonl"
DEFAULT_OUT = ROOT / "tests" / "fixtures" / "clusters" / "story_pairs_candidates.csv"
RULE_DOC = ROOT / "docs" / "story_pairs_labelling.md"

MAX_HOURS = 48.0
LEAD_CHARS = 600  # body characters used for similarity and shown to the judges
TECH_SHARE = 0.4
RARE_DF = 300  # a title stem in at most this many pool articles names a subject
SEED = "story-pairs-v1"
# Cosine bands and how many pairs each gets: more in the middle, where the current
# clusterer misses differently worded reports of one event (issue #14).
BANDS: tuple[tuple[str, float, float, int], ...] = (
    ("c0", 0.00, 0.05, 20),
    ("c1", 0.05, 0.15, 45),
    ("c2", 0.15, 0.25, 75),
    ("c3", 0.25, 0.35, 90),
    ("c4", 0.35, 0.50, 85),
    ("c5", 0.50, 0.70, 55),
    ("c6", 0.70, 1.01, 40),
)
# Low bands hold millions of pairs; a hash keeps a uniform 1-in-n sample of them in memory.
KEEP_ONE_IN: tuple[tuple[float, int], ...] = ((0.05, 400), (0.15, 20))
HARD_MIN_COS, HARD_MAX_COS = 0.08, 0.35
HARD_QUOTA: dict[str, int] = {
    "technology": 30,
    "sport": 20,
    "economy": 15,
    "internationalNews": 10,
    "middleEast": 10,
    "culture": 5,
}
# Title words (normalised) that mark the kind of event; two same-day titles of one kind
# are "same subject" even without a shared name (two matches, two launches, ...).
# Space-separated word lists.
EVENT_KINDS: dict[str, str] = {
    "match": (
        "مباراه مباراتين يفوز فوز يتعادل تعادل يهزم يسقط يتغلب خساره يخسر يتاهل تاهل نهائي "
        "الدوري كاس المونديال هدف"
    ),
    "launch": "تطلق يطلق اطلاق تكشف يكشف تعلن يعلن هاتف هواتف جهاز ميزه تحديث نسخه اصدار تطبيق",
    "statement": (
        "يرد ترد رد ينتقد تنتقد يدين تدين ادانه تصريحات يرحب ترحب يحذر تحذر يتهم تتهم "
        "يرفض ترفض بيان"
    ),
    "incident": "مقتل قتلي انفجار هجوم حادث حريق زلزال اعتقال غارات",
}
SHEETS = 6
DOUBLE_LABELLED = 40


@dataclass(frozen=True)
class Article:
    """One pool article, with the text the sheets show (title, lead) and the features."""

    id: str
    source: str
    label: str
    published: datetime
    title: str
    text: str


@dataclass(frozen=True)
class Features:
    vector: dict[str, float]  # unit-length TF-IDF of title + lead stems
    stems: frozenset[str]
    title_stems: frozenset[str]
    names: frozenset[str]
    kinds: frozenset[str]


@dataclass(frozen=True)
class Candidate:
    """A pair as written to the candidates CSV (ids and figures only)."""

    pair_id: str
    id_a: str
    id_b: str
    bucket: str
    split: str
    cos: float
    idf_jaccard: float
    title_rare: float
    shared_names: int
    hours: float
    label_a: str
    label_b: str
    source_a: str
    source_b: str


def _sha(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()


def pair_id(id_a: str, id_b: str) -> str:
    """Stable id of an unordered pair."""
    first, second = sorted((id_a, id_b))
    return "sp-" + _sha("pair", first, second)[:10]


def split_of(pid: str) -> str:
    """'tune' or 'report' by a hash of the pair id (about half each, fixed forever)."""
    return "tune" if int(_sha("split", pid)[:8], 16) % 2 == 0 else "report"


def read_pool(path: Path) -> list[Article]:
    """Pool articles in publication order (ties by id)."""
    articles = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                row = json.loads(line)
                articles.append(
                    Article(
                        row["id"],
                        row["source"],
                        row["label"],
                        datetime.fromisoformat(row["published"]),
                        row["title"],
                        row["text"],
                    )
                )
    articles.sort(key=lambda a: (a.published, a.id))
    return articles


def _names(text: str) -> frozenset[str]:
    """Latin words and numbers of 2+ characters, years left out (every 2018 story has one)."""
    out = set()
    for token in tokenize(text):
        if len(token) < 2 or not token.isascii():
            continue
        if token.isdigit() and (len(token) == 4 and token[:2] in ("19", "20")):
            continue
        if token.isdigit() or any(ch.isalpha() for ch in token):
            out.add(token)
    return frozenset(out - {"the", "of", "and", "in", "on", "to", "for", "a", "an"})


def _kinds(title: str) -> frozenset[str]:
    words = set()
    for token in tokenize(title):
        words.add(token)
        for prefix in ("وال", "ال", "و", "ب", "ل", "لل"):
            if token.startswith(prefix) and len(token) - len(prefix) >= 2:
                words.add(token[len(prefix) :])
    return frozenset(kind for kind, lexicon in EVENT_KINDS.items() if words & set(lexicon.split()))


def lead_of(article: Article) -> str:
    return article.text[:LEAD_CHARS]


def featurize(articles: Sequence[Article]) -> tuple[list[Features], dict[str, float]]:
    """Features of every article and the pool IDF (ln(N / df)) of each stem."""
    cache: dict[str, str] = {}
    words = [
        content_words(a.title + "\n" + lead_of(a), cache) + content_words(a.title, cache)
        for a in articles
    ]  # the title counts twice: it names the event
    df: Counter[str] = Counter()
    for stems in words:
        df.update(set(stems))
    total = len(articles)
    idf = {stem: math.log(total / count) for stem, count in df.items()}
    features = []
    for article, stems in zip(articles, words, strict=True):
        weights = {stem: (1.0 + math.log(tf)) * idf[stem] for stem, tf in Counter(stems).items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        features.append(
            Features(
                {stem: w / norm for stem, w in weights.items() if w > 0},
                frozenset(stems),
                frozenset(content_words(article.title, cache)),
                _names(article.title + "\n" + lead_of(article)),
                _kinds(normalize(article.title)),
            )
        )
    return features, idf


def cosine(a: Features, b: Features) -> float:
    common = a.vector.keys() & b.vector.keys()
    return sum(a.vector[s] * b.vector[s] for s in common)


def idf_jaccard(a: Features, b: Features, idf: dict[str, float]) -> float:
    union = sum(idf[s] for s in a.stems | b.stems)
    return sum(idf[s] for s in a.stems & b.stems) / union if union else 0.0


def title_rare(a: Features, b: Features, idf: dict[str, float]) -> float:
    return max((idf[s] for s in a.title_stems & b.title_stems), default=0.0)


def _kept(cos: float, i: int, j: int, shift: int = 0) -> bool:
    """Uniform hash sample of the huge low-similarity bands (see KEEP_ONE_IN); `shift`
    (from the salt) picks a different residue class, so a salted draw keeps other pairs."""
    for below, one_in in KEEP_ONE_IN:
        if cos < below:
            return (i * 1_000_003 + j * 7_919 + shift) % one_in == 0
    return True


def cross_outlet_pairs(
    articles: Sequence[Article], max_hours: float = MAX_HOURS
) -> Iterator[tuple[int, int]]:
    """Index pairs (i < j) of articles from different outlets at most `max_hours` apart;
    `articles` must be in publication order."""
    stamps = [a.published.timestamp() for a in articles]
    for i, article in enumerate(articles):
        end = bisect_right(stamps, stamps[i] + max_hours * 3600)
        for j in range(i + 1, end):
            if articles[j].source != article.source:
                yield i, j


def _candidate(
    articles: Sequence[Article],
    features: Sequence[Features],
    idf: dict[str, float],
    i: int,
    j: int,
    bucket: str,
    split: str | None = None,
) -> Candidate:
    a, b = articles[i], articles[j]
    pid = pair_id(a.id, b.id)
    return Candidate(
        pid,
        a.id,
        b.id,
        bucket,
        split_of(pid) if split is None else split,
        round(cosine(features[i], features[j]), 4),
        round(idf_jaccard(features[i], features[j], idf), 4),
        round(title_rare(features[i], features[j], idf), 3),
        len(features[i].names & features[j].names),
        round((b.published - a.published) / timedelta(hours=1), 2),
        a.label,
        b.label,
        a.source,
        b.source,
    )


def _take(
    pool: Iterable[tuple[int, int]], count: int, articles: Sequence[Article], salt: str
) -> list[tuple[int, int]]:
    """`count` pairs of `pool` in seeded hash order, about TECH_SHARE with a tech article."""
    ordered = sorted(pool, key=lambda p: _sha(SEED, salt, articles[p[0]].id, articles[p[1]].id))
    tech = [p for p in ordered if "technology" in (articles[p[0]].label, articles[p[1]].label)]
    tech_set = set(tech)
    other = [p for p in ordered if p not in tech_set]
    want_tech = min(len(tech), round(count * TECH_SHARE))
    chosen = tech[:want_tech] + other[: count - want_tech]
    if len(chosen) < count:  # not enough others: more tech
        chosen += tech[want_tech : want_tech + count - len(chosen)]
    return chosen


def scaled(
    total: int,
    bands: Sequence[tuple[str, float, float, int]] = BANDS,
    hard_quota: dict[str, int] | None = None,
) -> tuple[tuple[tuple[str, float, float, int], ...], dict[str, int]]:
    """The band and hard-negative quotas scaled to about `total` pairs (same proportions;
    every stratum keeps at least one pair)."""
    quota = HARD_QUOTA if hard_quota is None else hard_quota
    full = sum(b[3] for b in bands) + sum(quota.values())
    factor = total / full
    return (
        tuple((n, lo, hi, max(1, round(c * factor))) for n, lo, hi, c in bands),
        {label: max(1, round(c * factor)) for label, c in quota.items()},
    )


def sample(
    articles: Sequence[Article],
    bands: Sequence[tuple[str, float, float, int]] = BANDS,
    hard_quota: dict[str, int] | None = None,
    *,
    salt: str = "",
    exclude_articles: frozenset[str] = frozenset(),
    exclude_pairs: frozenset[str] = frozenset(),
    split: str | None = None,
) -> list[Candidate]:
    """The candidate pairs (see the module docstring); `articles` in publication order.

    `salt` ("" = the first draw) reseeds every hash choice; pairs in `exclude_pairs` and
    pairs with an article in `exclude_articles` are never drawn (a fresh sample disjoint
    from an earlier one). `split` forces every pair's split ("report" for a fresh test
    set); None = the hash split."""
    features, idf = featurize(articles)
    rare = math.log(len(articles) / RARE_DF) if len(articles) > RARE_DF else 0.0
    shift = int(_sha("kept", salt)[:8], 16) if salt else 0
    strata: dict[str, list[tuple[int, int]]] = {}
    hard: dict[str, list[tuple[int, int]]] = {}
    for i, j in cross_outlet_pairs(articles):
        if exclude_articles and (
            articles[i].id in exclude_articles or articles[j].id in exclude_articles
        ):
            continue
        if exclude_pairs and pair_id(articles[i].id, articles[j].id) in exclude_pairs:
            continue
        fa, fb = features[i], features[j]
        cos = cosine(fa, fb)
        a, b = articles[i], articles[j]
        rare_title = title_rare(fa, fb, idf) >= rare
        titled = rare_title or bool(fa.names & fb.names)
        if (
            a.label == b.label
            and HARD_MIN_COS <= cos < HARD_MAX_COS
            and a.published.date() == b.published.date()
            and (rare_title or fa.kinds & fb.kinds)
        ):
            hard.setdefault(a.label, []).append((i, j))
        if not _kept(cos, i, j, shift):
            continue
        for name, low, high, _ in bands:
            if low <= cos < high:
                strata.setdefault(f"{name}/{'title' if titled else 'other'}", []).append((i, j))
                break
    chosen: dict[tuple[int, int], str] = {}
    quota = HARD_QUOTA if hard_quota is None else hard_quota
    spare = 0
    for label in sorted(quota, key=lambda lab: len(hard.get(lab, []))):  # scarce first
        want = quota[label] + spare
        got = _take(hard.get(label, []), want, articles, salt + "hard" + label)
        spare = want - len(got)
        for pair in got:
            chosen[pair] = f"hard/{label}"
    for name, _, _, count in bands:
        title_pool = [p for p in strata.get(f"{name}/title", []) if p not in chosen]
        other_pool = [p for p in strata.get(f"{name}/other", []) if p not in chosen]
        got_title = _take(title_pool, count // 2 + count % 2, articles, salt + name + "t")
        got_other = _take(other_pool, count - len(got_title), articles, salt + name + "o")
        if len(got_title) + len(got_other) < count:
            taken = set(got_title)
            got_title += _take(
                [p for p in title_pool if p not in taken],
                count - len(got_title) - len(got_other),
                articles,
                salt + name + "t2",
            )
        for pair in got_title:
            chosen[pair] = f"{name}/title"
        for pair in got_other:
            chosen[pair] = f"{name}/other"
    return sorted(
        (
            _candidate(articles, features, idf, i, j, bucket, split)
            for (i, j), bucket in chosen.items()
        ),
        key=lambda c: c.pair_id,
    )


CSV_FIELDS = (
    "pair_id",
    "id_a",
    "id_b",
    "bucket",
    "split",
    "cos",
    "idf_jaccard",
    "title_rare",
    "shared_names",
    "hours",
    "label_a",
    "label_b",
    "source_a",
    "source_b",
    "sheets",
)


def assign_sheets(
    candidates: Sequence[Candidate],
    sheets: int = SHEETS,
    double: int = DOUBLE_LABELLED,
    salt: str = "",
) -> dict[str, list[int]]:
    """pair_id -> sheet numbers (1-based): every pair on one sheet (a hash-shuffled order
    dealt round-robin), and `double` pairs (hash order) also on a second, different sheet:
    the one with the fewest pairs so far (lowest number on ties), so sheets stay even."""
    order = sorted(candidates, key=lambda c: _sha(SEED + salt, "sheet", c.pair_id))
    where = {c.pair_id: [n % sheets + 1] for n, c in enumerate(order)}
    sizes = Counter(ns[0] for ns in where.values())
    twice = sorted(candidates, key=lambda c: _sha(SEED + salt, "double", c.pair_id))[:double]
    for cand in twice:
        first = where[cand.pair_id][0]
        second = min((n for n in range(1, sheets + 1) if n != first), key=lambda n: (sizes[n], n))
        where[cand.pair_id].append(second)
        sizes[second] += 1
    return where


def write_candidates(
    path: Path, candidates: Sequence[Candidate], sheets: dict[str, list[int]]
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(
            "# Same-event candidate pairs (issue #14), ids only: texts stay in "
            "../shared/corpora/ant/pool.jsonl.\n"
            "# Built by `python -m digest.eval.story_pairs` (see its docstring); labels "
            "come from the judges' answer files,\n"
            "# rule in docs/story_pairs_labelling.md. sheets: the judge sheet(s) "
            "showing the pair (two = double-labelled).\n"
        )
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_FIELDS)
        for c in candidates:
            writer.writerow(
                (
                    c.pair_id,
                    c.id_a,
                    c.id_b,
                    c.bucket,
                    c.split,
                    c.cos,
                    c.idf_jaccard,
                    c.title_rare,
                    c.shared_names,
                    c.hours,
                    c.label_a,
                    c.label_b,
                    c.source_a,
                    c.source_b,
                    ";".join(f"{n:02d}" for n in sheets[c.pair_id]),
                )
            )


def read_candidates(path: Path) -> list[dict[str, str]]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return list(csv.DictReader(ln for ln in lines if not ln.startswith("#")))


def _shown_text(text: str) -> str:
    """The first ~LEAD_CHARS characters, cut at a word boundary."""
    if len(text) <= LEAD_CHARS:
        return text.strip()
    cut = text.rfind(" ", 0, LEAD_CHARS)
    return text[: cut if cut > LEAD_CHARS // 2 else LEAD_CHARS].rstrip() + " …"


def _article_block(tag: str, article: Article) -> list[str]:
    when = article.published.strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"**{tag}** — {article.source} · {when}", "", f"**{article.title.strip()}**", ""]
    for paragraph in _shown_text(article.text).split("\n"):
        if paragraph.strip():
            lines.append("> " + paragraph.strip())
            lines.append(">")
    if lines[-1] == ">":
        lines.pop()
    return [*lines, ""]


def write_sheets(
    directory: Path,
    candidates: Sequence[Candidate],
    sheets: dict[str, list[int]],
    by_id: dict[str, Article],
    rule: str,
    salt: str = "",
) -> dict[int, int]:
    """pairs-NN.md and blank pairs-NN.csv per sheet, and double_labelled.csv (the pairs on
    two sheets, for agreement); returns pairs per sheet."""
    directory.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for n in range(1, max(n for ns in sheets.values() for n in ns) + 1):
        on_sheet = sorted(
            (c for c in candidates if n in sheets[c.pair_id]),
            key=lambda c: _sha(SEED + salt, f"order{n}", c.pair_id),
        )
        sizes[n] = len(on_sheet)
        lines = [
            f"# Same-event pairs — sheet {n:02d} ({len(on_sheet)} pairs)",
            "",
            f"Write one answer per pair in `pairs-{n:02d}.csv` (columns pair_id,label,note; "
            "the rows are already there in this order): label = `same`, `different` or "
            "`unsure`; note = optional, one short line (e.g. what the event is). Judge only "
            "from what is shown; do not look the articles up. The rule:",
            "",
            rule.strip(),
            "",
            "---",
            "",
        ]
        for k, cand in enumerate(on_sheet, 1):
            lines += [f"## {k}. {cand.pair_id}", ""]
            lines += _article_block("A", by_id[cand.id_a])
            lines += _article_block("B", by_id[cand.id_b])
            lines += [f"→ `{cand.pair_id}`: same / different / unsure?", "", "---", ""]
        (directory / f"pairs-{n:02d}.md").write_text("\n".join(lines), encoding="utf-8")
        with (directory / f"pairs-{n:02d}.csv").open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(("pair_id", "label", "note"))
            for cand in on_sheet:
                writer.writerow((cand.pair_id, "", ""))
    with (directory / "double_labelled.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(("pair_id", "sheets"))
        for cand in candidates:
            if len(sheets[cand.pair_id]) > 1:
                writer.writerow((cand.pair_id, ";".join(f"{n:02d}" for n in sheets[cand.pair_id])))
    return sizes


def _rule_for_sheets(doc: str) -> str:
    """The labelling rule section of the doc (from '## The rule' to the next '## ')."""
    start = doc.find("## The rule")
    if start < 0:
        return doc
    end = doc.find("\n## ", start + 1)
    return doc[start : end if end > 0 else len(doc)]


def summary(candidates: Sequence[Candidate]) -> list[str]:
    """Bucket counts, label and outlet pairs, similarity distribution: for the report."""
    out = []
    buckets = Counter(c.bucket for c in candidates)
    out.append(f"{len(candidates)} pairs; split " + str(Counter(c.split for c in candidates)))
    out.append("buckets: " + ", ".join(f"{b} {n}" for b, n in sorted(buckets.items())))
    labels = Counter(
        c.label_a if c.label_a == c.label_b else "+".join(sorted((c.label_a, c.label_b)))
        for c in candidates
    )
    out.append("labels: " + ", ".join(f"{b} {n}" for b, n in labels.most_common()))
    tech = sum("technology" in (c.label_a, c.label_b) for c in candidates)
    out.append(f"pairs with a technology article: {tech}")
    outlets = Counter("+".join(sorted((c.source_a, c.source_b))) for c in candidates)
    out.append("outlets: " + ", ".join(f"{b} {n}" for b, n in outlets.most_common()))
    for name in ("cos", "idf_jaccard"):
        values = sorted(getattr(c, name) for c in candidates)
        deciles = [values[min(len(values) - 1, len(values) * q // 10)] for q in range(11)]
        out.append(f"{name} deciles: " + " ".join(f"{v:.2f}" for v in deciles))
    hours = sorted(c.hours for c in candidates)
    out.append(f"hours apart: median {hours[len(hours) // 2]:.1f}, max {hours[-1]:.1f}")
    names = Counter(min(c.shared_names, 3) for c in candidates)
    out.append("shared names (3 = 3+): " + str(sorted(names.items())))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pool", type=Path, default=DEFAULT_POOL)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--sheets", type=Path, default=None, help="write judge sheets here")
    parser.add_argument("--salt", default="", help="reseed the draw (a fresh sample)")
    parser.add_argument(
        "--exclude",
        type=Path,
        action="append",
        default=[],
        help="candidates CSV whose pairs AND articles the new draw must not use",
    )
    parser.add_argument("--pairs", type=int, default=None, help="scale quotas to ~N pairs")
    parser.add_argument("--sheet-count", type=int, default=SHEETS)
    parser.add_argument("--double", type=int, default=DOUBLE_LABELLED)
    parser.add_argument(
        "--split", choices=("hash", "tune", "report"), default="hash", help="split column"
    )
    args = parser.parse_args(argv)
    articles = read_pool(args.pool)
    old_pairs: set[str] = set()
    old_articles: set[str] = set()
    for path in args.exclude:
        for row in read_candidates(path):
            old_pairs.add(row["pair_id"])
            old_articles.update((row["id_a"], row["id_b"]))
    bands, quota = scaled(args.pairs) if args.pairs else (BANDS, HARD_QUOTA)
    candidates = sample(
        articles,
        bands,
        quota,
        salt=args.salt,
        exclude_articles=frozenset(old_articles),
        exclude_pairs=frozenset(old_pairs),
        split=None if args.split == "hash" else args.split,
    )
    where = assign_sheets(candidates, args.sheet_count, args.double, args.salt)
    write_candidates(args.out, candidates, where)
    for line in summary(candidates):
        print(line)
    if args.sheets is not None:
        rule = _rule_for_sheets(RULE_DOC.read_text(encoding="utf-8"))
        by_id = {a.id: a for a in articles}
        sizes = write_sheets(args.sheets, candidates, where, by_id, rule, args.salt)
        print("sheets: " + ", ".join(f"{n:02d}: {k}" for n, k in sizes.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
