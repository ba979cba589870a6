"""Score the story clusterer on the judged same-event pairs (issue #14).

The pairs come from ``digest.eval.story_pairs`` (candidates, with the tune/report split
fixed by a hash of the pair id); the judges' answers are collected into
``tests/fixtures/clusters/story_pairs_labels.csv`` (pair_id, sheet, label, note: ids and
the judges' own words, never corpus text) by
``python -m digest.eval.story_pair_scores --collect /path/to/sheets``.

A pair's label is the judges' label when every judge who saw it gave the same one and it
is not ``unsure``; pairs with an ``unsure`` or with two judges disagreeing are left out
(and counted). The articles of all labelled pairs run through the clusterer as one
stream in publication order, as the bot adds them; a pair is *joined* when both end in
the same story. Recall = same-event pairs joined / same-event pairs; precision = joined
pairs that are same-event / joined pairs.

TUNE = every judged pair of the first sample and of the fresh, fresh2, fresh3 and fresh4
samples (``story_pairs_fresh_candidates.csv``, ..., ``story_pairs_fresh4_candidates.csv``;
all were looked at while tuning or scored once as a report set, so none is a test any
more; the fresh answers, ``pairs-NN.done.csv``, went to ``story_pairs_fresh_labels.csv``
by ``--collect-fresh DIR``); REPORT = the fresh5 sample
(``story_pairs_fresh5_candidates.csv``, judged blind; scored once
``story_pairs_fresh5_labels.csv``, same format, exists, and quietly left out until then:
both files must exist). Each sample's articles run as their own stream. Choices are made on tune;
report is quoted. Two clusterers are scored: the bot's (`bot.bootstrap.build_clusterer`:
rules and the follow-up guard, kept equal to `bot_clusterer` by a test) and the same with
the event model; the model's out-of-fold figure on tune is read from story_model.json
(its in-sample tune row flatters it).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from ..cluster import StoryClusterer
from ..story_followup import FollowUpGuard
from .story_pairs import DEFAULT_OUT as CANDIDATES
from .story_pairs import DEFAULT_POOL, Article, read_candidates, read_pool

LABELS = CANDIDATES.with_name("story_pairs_labels.csv")
FRESH_CANDIDATES = CANDIDATES.with_name("story_pairs_fresh_candidates.csv")
FRESH_LABELS = CANDIDATES.with_name("story_pairs_fresh_labels.csv")
FRESH2_CANDIDATES = CANDIDATES.with_name("story_pairs_fresh2_candidates.csv")
FRESH2_LABELS = CANDIDATES.with_name("story_pairs_fresh2_labels.csv")
FRESH3_CANDIDATES = CANDIDATES.with_name("story_pairs_fresh3_candidates.csv")
FRESH3_LABELS = CANDIDATES.with_name("story_pairs_fresh3_labels.csv")
FRESH4_CANDIDATES = CANDIDATES.with_name("story_pairs_fresh4_candidates.csv")
FRESH4_LABELS = CANDIDATES.with_name("story_pairs_fresh4_labels.csv")
REPORT_CANDIDATES = CANDIDATES.with_name("story_pairs_fresh5_candidates.csv")
REPORT_LABELS = CANDIDATES.with_name("story_pairs_fresh5_labels.csv")
VERDICTS = ("same", "different", "unsure")
# The bot's clusterer (bot.bootstrap.build_clusterer); a test keeps the two equal.
WINDOW = timedelta(days=2)


def bot_clusterer() -> StoryClusterer:
    return rules_clusterer()


def rules_clusterer() -> StoryClusterer:
    """The clusterer without the event model: the rewrite rules and the follow-up guard."""
    return StoryClusterer(window=WINDOW, follow_up=FollowUpGuard.shipped())


def event_model_clusterer() -> StoryClusterer:
    """The clusterer with the event model (digest.story_signals) and the follow-up guard."""
    from ..story_signals import EventSignals

    return StoryClusterer(
        window=WINDOW, signals=EventSignals.shipped(), follow_up=FollowUpGuard.shipped()
    )


@dataclass(frozen=True)
class JudgedPair:
    pair_id: str
    id_a: str
    id_b: str
    split: str
    bucket: str
    same: bool


@dataclass(frozen=True)
class Judging:
    pairs: tuple[JudgedPair, ...]
    unsure: int  # pairs left out: some judge said unsure
    disagreed: int  # pairs left out: two judges gave different labels
    doubles: int  # pairs seen by two judges
    doubles_agreed: int
    kappa: float | None  # Cohen's kappa on the doubles (same vs different vs unsure)


def collect(sheets: Path, out: Path = LABELS, pattern: str = "pairs-*.csv") -> int:
    """Gather the answer files (`pattern`: ``pairs-NN.csv``, or ``pairs-NN.done.csv``
    for the fresh set) of `sheets` into `out`; returns rows."""
    rows = []
    for answers in sorted(sheets.glob(pattern)):
        sheet = answers.name.split("-", 1)[1].split(".", 1)[0]
        with answers.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                label = (row.get("label") or "").strip().lower()
                if label not in VERDICTS:
                    raise ValueError(f"{answers}: pair {row.get('pair_id')}: label {label!r}")
                note = " ".join((row.get("note") or "").split())
                rows.append((row["pair_id"], sheet, label, note))
    rows.sort()
    with out.open("w", encoding="utf-8", newline="") as f:
        f.write(
            "# Judges' answers for the same-event pairs (issue #14): one row per pair and sheet;\n"
            "# read blind from the sheets made by digest.eval.story_pairs, rule in\n"
            "# docs/story_pairs_labelling.md. Notes are the judges' words.\n"
        )
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(("pair_id", "sheet", "label", "note"))
        writer.writerows(rows)
    return len(rows)


def read_labels(path: Path = LABELS) -> dict[str, list[str]]:
    """pair_id -> the labels its judges gave (one per sheet)."""
    with path.open(encoding="utf-8", newline="") as f:
        lines = [line for line in f if not line.startswith("#")]
    labels: dict[str, list[str]] = defaultdict(list)
    for row in csv.DictReader(lines):
        labels[row["pair_id"]].append(row["label"])
    return dict(labels)


def judge(candidates: Iterable[Mapping[str, str]], labels: Mapping[str, list[str]]) -> Judging:
    pairs, unsure, disagreed, doubles, agreed = [], 0, 0, [], 0
    for c in candidates:
        given = labels.get(c["pair_id"])
        if not given:
            continue
        if len(given) > 1:
            doubles.append((given[0], given[1]))
            agreed += given[0] == given[1]
        if len(set(given)) > 1:
            disagreed += 1
        elif given[0] == "unsure":
            unsure += 1
        else:
            pairs.append(
                JudgedPair(
                    c["pair_id"], c["id_a"], c["id_b"], c["split"], c["bucket"], given[0] == "same"
                )
            )
    return Judging(tuple(pairs), unsure, disagreed, len(doubles), agreed, _kappa(doubles))


def _kappa(doubles: Sequence[tuple[str, str]]) -> float | None:
    if not doubles:
        return None
    n = len(doubles)
    observed = sum(a == b for a, b in doubles) / n
    first, second = Counter(a for a, _ in doubles), Counter(b for _, b in doubles)
    expected = sum(first[v] * second[v] for v in VERDICTS) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def stream_stories(
    articles: Sequence[Article], clusterer: StoryClusterer | None = None
) -> dict[str, str]:
    """Article id -> story id (the first article's id), adding in publication order."""
    # `is None`, not `or`: an empty clusterer has len() 0 and is falsy.
    clusterer = bot_clusterer() if clusterer is None else clusterer
    ordered = sorted(articles, key=lambda a: (a.published, a.id))
    story: dict[str, str] = {}
    for handle, article in enumerate(ordered):
        first = clusterer.add(
            handle, article.title, article.text, article.published, article.source
        )
        story[article.id] = ordered[first].id
    return story


@dataclass(frozen=True)
class Scores:
    same: int
    different: int
    joined_same: int
    joined_different: int
    hard: int
    hard_joined: int

    @property
    def recall(self) -> float:
        return self.joined_same / self.same if self.same else 0.0

    @property
    def apart(self) -> float:
        """Share of the different-event pairs left apart (issue #14's precision floor)."""
        return 1 - self.joined_different / self.different if self.different else 1.0

    @property
    def precision(self) -> float:
        joined = self.joined_same + self.joined_different
        return self.joined_same / joined if joined else 1.0


def score(pairs: Iterable[JudgedPair], joined: Callable[[JudgedPair], bool]) -> Scores:
    same = different = joined_same = joined_different = hard = hard_joined = 0
    for pair in pairs:
        together = joined(pair)
        if pair.same:
            same += 1
            joined_same += together
        else:
            different += 1
            joined_different += together
            if pair.bucket.startswith("hard"):
                hard += 1
                hard_joined += together
    return Scores(same, different, joined_same, joined_different, hard, hard_joined)


def joined_in(story: Mapping[str, str]) -> Callable[[JudgedPair], bool]:
    """Whether a pair's two articles ended in one story of `story` (id -> story id)."""
    return lambda pair: story[pair.id_a] == story[pair.id_b]


def _line(name: str, s: Scores) -> str:
    return (
        f"  {name}: recall {s.recall:.2f} ({s.joined_same}/{s.same} same-event pairs joined),"
        f" precision {s.precision:.2f} ({s.joined_different} different-event pairs joined"
        f" of {s.different}, apart {s.apart:.3f}; hard ones {s.hard_joined}/{s.hard})"
    )


def _set_lines(
    name: str,
    judging: Judging,
    articles: Sequence[Article],
) -> tuple[list[str], list[tuple[str, Scores]], dict[str, str]]:
    """Header lines of one judged set, and its scores per clusterer (own stream)."""
    out = [
        f"  {name}: {len(judging.pairs)} pairs labelled; left out: {judging.unsure} unsure,"
        f" {judging.disagreed} where two judges disagreed"
    ]
    if judging.doubles:
        kappa = f"{judging.kappa:.2f}" if judging.kappa is not None else "-"
        out.append(
            f"   agreement on {judging.doubles} double-judged pairs:"
            f" {judging.doubles_agreed}/{judging.doubles}, Cohen's kappa {kappa}"
        )
    wanted = {i for p in judging.pairs for i in (p.id_a, p.id_b)}
    stream = [a for a in articles if a.id in wanted]
    scores = []
    bot_story: dict[str, str] = {}
    for label, make in (("bot", bot_clusterer), ("model", event_model_clusterer)):
        story = stream_stories(stream, make())
        bot_story = bot_story or story
        scores.append((label, score(judging.pairs, joined_in(story))))
    return out, scores, bot_story


def _total(scores: Iterable[Scores]) -> Scores:
    found = list(scores)
    return Scores(*(sum(getattr(s, f) for s in found) for f in Scores.__dataclass_fields__))


def run_story_pair_eval(
    pool: Path = DEFAULT_POOL,
    candidates: Path = CANDIDATES,
    labels: Path = LABELS,
    *,
    fresh_candidates: Path = FRESH_CANDIDATES,
    fresh_labels: Path = FRESH_LABELS,
    fresh2_candidates: Path = FRESH2_CANDIDATES,
    fresh2_labels: Path = FRESH2_LABELS,
    fresh3_candidates: Path = FRESH3_CANDIDATES,
    fresh3_labels: Path = FRESH3_LABELS,
    fresh4_candidates: Path = FRESH4_CANDIDATES,
    fresh4_labels: Path = FRESH4_LABELS,
    report_candidates: Path = REPORT_CANDIDATES,
    report_labels: Path = REPORT_LABELS,
    whole_pool: bool = False,
) -> str:
    """TUNE = the first sample and the first four fresh samples (each its own stream),
    also summed; REPORT = the fifth fresh sample (fresh5) once its candidates and labels
    exist (skipped quietly when either file is missing)."""
    if not labels.exists():
        return f"D. judged cross-outlet pairs: no labels yet ({labels})"
    sources = [("tune (first sample)", candidates, labels)]
    sources.append(("tune (fresh sample)", fresh_candidates, fresh_labels))
    sources.append(("tune (fresh2 sample)", fresh2_candidates, fresh2_labels))
    sources.append(("tune (fresh3 sample)", fresh3_candidates, fresh3_labels))
    sources.append(("tune (fresh4 sample)", fresh4_candidates, fresh4_labels))
    sources.append(("report (fresh5)", report_candidates, report_labels))
    judged = [
        (name, judge(read_candidates(cands), read_labels(labelled)))
        for name, cands, labelled in sources
        if cands.exists() and labelled.exists()
    ]
    out = [
        "D. judged cross-outlet pairs (ANT pool, two outlets, <= 48 h apart, sampled across"
        " the similarity range plus same-day hard negatives; read blind by judges who did"
        " not tune). TUNE = the first sample and the fresh, fresh2, fresh3 and fresh4 samples"
        " (all choices made on them); REPORT = the fresh5 sample (no pair, no article shared;"
        " judged blind after the clusterer was final)."
        " Precision = joined pairs that are same-event;"
        " apart = different-event pairs not joined:",
    ]
    if not pool.exists():
        out.append(f"  (pool not found at {pool}: scores skipped)")
        return "\n".join(out)
    articles = read_pool(pool)
    results: dict[str, dict[str, Scores]] = {}
    report_story: dict[str, str] = {}
    for name, judging in judged:
        lines, scores, story = _set_lines(name, judging, articles)
        out += lines
        results[name] = dict(scores)
        if name.startswith("report"):
            report_story = story
    if not any(name.startswith("report") for name, _ in judged):
        out.append(f"  report: the fresh5 set's labels are not in yet ({report_labels.name})")
    titles = {
        "bot": "the bot's clusterer (bot.bootstrap.build_clusterer)",
        "model": "with the event model (signals=EventSignals.shipped(), follow-up guard)",
    }
    for label, title in titles.items():
        out.append(f"  {title}, each set's articles as one stream:")
        for name, _ in judged:
            out.append(_line(name, results[name][label]))
        tune = [results[name][label] for name, _ in judged if name.startswith("tune")]
        if len(tune) > 1:
            out.append(_line("tune, all samples", _total(tune)))
    cv = _model_cv()
    if cv:
        out.append(f"  the event model out of fold on the tune pairs (story_model.json): {cv}")
    if whole_pool:
        story = stream_stories(articles, bot_clusterer())
        out.append(f"  the bot's clusterer, inside the whole pool stream ({len(articles)}):")
        for name, judging in judged:
            out.append(_line(name, score(judging.pairs, joined_in(story))))
    for name, judging in judged:
        if not name.startswith("report"):
            continue
        bands: dict[str, list[JudgedPair]] = defaultdict(list)
        for pair in judging.pairs:
            bands[pair.bucket.split("/")[0]].append(pair)
        by_band = ((b, score(ps, joined_in(report_story))) for b, ps in sorted(bands.items()))
        out.append(
            "  the bot's clusterer, report set by sampling band"
            " (same-event pairs joined / same-event pairs):"
        )
        out.append("   " + "; ".join(f"{band} {s.joined_same}/{s.same}" for band, s in by_band))
    return "\n".join(out)


def _model_cv() -> str:
    from importlib import resources

    from ..story_signals import MODEL_FILE

    try:
        text = resources.files("digest").joinpath("data", MODEL_FILE).read_text(encoding="utf-8")
        data = json.loads(text)
        return "; ".join(str(data[key]) for key in ("cv", "cv_stream") if key in data)
    except (OSError, ValueError):
        return ""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="score the clusterer on the judged pairs")
    parser.add_argument("--collect", type=Path, help="gather the answer files of this folder")
    parser.add_argument(
        "--collect-fresh", type=Path, help="gather the fresh set's pairs-NN.done.csv of this folder"
    )
    parser.add_argument("--whole-pool", action="store_true", help="also score in the pool stream")
    args = parser.parse_args(argv)
    if args.collect:
        print(f"{collect(args.collect)} answers written to {LABELS}")
    if args.collect_fresh:
        rows = collect(args.collect_fresh, FRESH_LABELS, "pairs-*.done.csv")
        print(f"{rows} answers written to {FRESH_LABELS}")
    print(run_story_pair_eval(whole_pool=args.whole_pool))
    return 0


if __name__ == "__main__":
    sys.exit(main())
