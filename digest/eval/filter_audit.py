"""Label audit of the technology filter: how much of its error is the desk labels' error?

ANT labels an article by the desk that published it, and desks disagree (weather filed
under technology, Telegram blocked in Russia filed under politics). This measures the
ceiling honestly: a reader judges, blind, 60 held-out articles (digest.relevance.is_held_out,
never used for any choice) on full text with the shipped model:

* 40 where model and desk label disagree: 20 the desk calls technology and the model does
  not, 20 the other way (fewer if one side has fewer; the other side fills up);
* 20 where they agree (10 technology, 10 not), so that the reader cannot guess that every
  article is a disputed one and so that the reader's own consistency is visible.

Each group is sampled in the order of ``sha1("newsdigest-filter-audit|" + id)``; the 60 are
shuffled by ``sha1("newsdigest-filter-audit-order|" + id)``. The sheet shows only the title
and the first ~1,500 characters of the text: no label, no score, no outlet, no corpus id
(ANT ids name the outlet and the desk). The key (item -> corpus id, desk label, model
decision) and the held-out confusion counts are written to a separate key file that the
reader must not see; ``score`` reads the filled CSV with the key, so later changes to the model or
the lexicons do not change what the answers mean.

    python -m digest.eval.filter_audit build [--corpus ../shared/corpora/ant/pool.jsonl]
        [--out /work/sheets/filter-audit.md] [--answers /work/sheets/filter-audit.csv]
        [--key tests/fixtures/judged/filter-audit.key.json]
    python -m digest.eval.filter_audit score FILLED.csv
        [--key tests/fixtures/judged/filter-audit.key.json]

The key is written into the repository (tests/fixtures/judged/), not beside the sheet, so
that the reader's directory holds nothing but the sheet and the blank answers.

``score`` prints, on the disagreements, how often the reader sided with the model and how
often with the desk (per direction), the reader's agreement on the 20 agreements, and the
full-text F1 the model would get on the held-out part if the reader's shares held for all
its disagreements.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..relevance import (
    CorpusRecord,
    Scores,
    TechRelevanceModel,
    load_default_model,
    load_model,
    read_corpus,
    split,
)
from ..topics import LexiconClassifier, TopicCatalog, default_topics_path
from .topic_sheet import excerpt

SAMPLE_SALT = "newsdigest-filter-audit|"
ORDER_SALT = "newsdigest-filter-audit-order|"
DISAGREEMENTS_PER_SIDE = 20
AGREEMENTS_PER_SIDE = 10
EXCERPT_CHARS = 1500
KEY_FORMAT = 1
ANSWERS = {
    "yes": "yes",
    "y": "yes",
    "نعم": "yes",
    "no": "no",
    "n": "no",
    "لا": "no",
    "unsure": "unsure",
    "?": "unsure",
}

QUESTION = """\
**Question for each article.** Is this a technology story — a story that a reader of a
technology news bot would expect to get: technology, internet, telecom, gadgets, software,
science-tech, space technology …? Weather, climate, general health or general science
without a technology angle = **no**. Answer in the CSV beside this sheet, one row per
article: `tech` = `yes`, `no` or `unsure`; `note` is optional (a few words on why, if the
answer was hard). Judge the story as it is told, not the outlet or the section it might
come from.
"""


def _hash(salt: str, record_id: str) -> int:
    return int(hashlib.sha1((salt + record_id).encode("utf-8")).hexdigest(), 16)


@dataclass(frozen=True)
class AuditItem:
    """One sheet article: its number on the sheet, corpus id, desk label, model decision."""

    number: int
    record: CorpusRecord
    desk: bool
    model: bool

    @property
    def disagreement(self) -> bool:
        return self.desk != self.model


def decide(
    records: Sequence[CorpusRecord], classifier: LexiconClassifier, model: TechRelevanceModel
) -> list[tuple[CorpusRecord, bool]]:
    """The model's full-text decision for each record (the pipeline's decision)."""
    out = []
    for record in records:
        evidence = classifier.evidence(record.title, record.text)
        p = model.probability(record.title, record.text, evidence)
        out.append((record, p >= model.threshold))
    return out


def confusion(decided: Sequence[tuple[CorpusRecord, bool]]) -> Scores:
    scores = Scores()
    for record, predicted in decided:
        scores = scores.add(predicted, record.is_tech)
    return scores


def sample(
    decided: Sequence[tuple[CorpusRecord, bool]],
    disagreements_per_side: int = DISAGREEMENTS_PER_SIDE,
    agreements_per_side: int = AGREEMENTS_PER_SIDE,
) -> list[AuditItem]:
    """The sheet's articles, numbered in the shuffled order (see the module docstring)."""
    groups: dict[tuple[bool, bool], list[CorpusRecord]] = {}
    for record, predicted in decided:
        groups.setdefault((record.is_tech, predicted), []).append(record)
    for members in groups.values():
        members.sort(key=lambda r: _hash(SAMPLE_SALT, r.id))
    missed = groups.get((True, False), [])
    alarms = groups.get((False, True), [])
    total = 2 * disagreements_per_side
    # A side with too few disagreements leaves its places to the other side.
    take_missed = min(len(missed), max(disagreements_per_side, total - len(alarms)))
    take_alarms = min(len(alarms), total - take_missed)
    chosen = [
        *missed[:take_missed],
        *alarms[:take_alarms],
        *groups.get((True, True), [])[:agreements_per_side],
        *groups.get((False, False), [])[:agreements_per_side],
    ]
    decision = {record.id: predicted for record, predicted in decided}
    chosen.sort(key=lambda r: _hash(ORDER_SALT, r.id))
    return [
        AuditItem(number, record, record.is_tech, decision[record.id])
        for number, record in enumerate(chosen, start=1)
    ]


def render_sheet(items: Sequence[AuditItem]) -> str:
    """The blind sheet: the question, then number, title and excerpt of each article."""
    lines = [
        f"# Technology or not? Blind reading sheet ({len(items)} news articles)",
        "",
        QUESTION,
        "## Articles",
        "",
    ]
    for item in items:
        lines += [
            f"### {item.number}",
            "",
            f"**{' '.join(item.record.title.split())}**",
            "",
            excerpt(item.record.text, EXCERPT_CHARS),
            "",
        ]
    return "\n".join(lines)


def key_data(items: Sequence[AuditItem], held_out: Scores, model_note: str) -> dict[str, Any]:
    """What `score` needs, fixed at build time: the items and the held-out confusion counts."""
    return {
        "format": KEY_FORMAT,
        "model": model_note,
        "held_out_full_text": {
            "tp": held_out.tp,
            "fp": held_out.fp,
            "fn": held_out.fn,
            "tn": held_out.tn,
        },
        "items": [
            {"number": i.number, "id": i.record.id, "desk": i.desk, "model": i.model} for i in items
        ],
    }


@dataclass(frozen=True)
class AuditScore:
    """Reader answers counted against the key. `sided_*`: on disagreements, answers that
    agree with the model / with the desk label; per direction `missed` (desk technology,
    model not) and `alarms` (model technology, desk not)."""

    missed_model: int = 0
    missed_desk: int = 0
    missed_unsure: int = 0
    alarms_model: int = 0
    alarms_desk: int = 0
    alarms_unsure: int = 0
    agreements_same: int = 0
    agreements_other: int = 0
    agreements_unsure: int = 0
    unanswered: int = 0

    def projected(self, held_out: Scores, *, unsure_to_desk: bool = False) -> Scores:
        """Held-out confusion counts if, in each direction, the reader's share of answers
        siding with the model held for all the model's disagreements of that direction
        (unsure answers left out of the shares, or counted for the desk)."""

        def share(model: int, desk: int, unsure: int) -> float:
            denominator = model + desk + (unsure if unsure_to_desk else 0)
            return model / denominator if denominator else 0.0

        to_negative = share(self.missed_model, self.missed_desk, self.missed_unsure)
        to_positive = share(self.alarms_model, self.alarms_desk, self.alarms_unsure)
        flipped_fn = round(held_out.fn * to_negative)
        flipped_fp = round(held_out.fp * to_positive)
        return Scores(
            held_out.tp + flipped_fp,
            held_out.fp - flipped_fp,
            held_out.fn - flipped_fn,
            held_out.tn + flipped_fn,
        )

    def report(self, held_out: Scores) -> str:
        model = self.missed_model + self.alarms_model
        desk = self.missed_desk + self.alarms_desk
        unsure = self.missed_unsure + self.alarms_unsure
        disagreements = model + desk + unsure
        agreements = self.agreements_same + self.agreements_other + self.agreements_unsure
        missed = self.missed_model + self.missed_desk + self.missed_unsure
        alarms = self.alarms_model + self.alarms_desk + self.alarms_unsure
        lines = [
            f"disagreements read: {disagreements}; reader sided with the model {model}, with "
            f"the desk label {desk}, unsure {unsure}"
            + (f" (model {model / (model + desk):.0%} of decided)" if model + desk else ""),
            f"  desk technology, model not ({missed}):"
            f" reader says not technology {self.missed_model}, technology {self.missed_desk}, "
            f"unsure {self.missed_unsure}",
            f"  model technology, desk not ({alarms}):"
            f" reader says technology {self.alarms_model}, not technology {self.alarms_desk}, "
            f"unsure {self.alarms_unsure}",
            f"agreements read: {agreements}; reader agreed with model and desk "
            f"{self.agreements_same}, disagreed {self.agreements_other}, unsure "
            f"{self.agreements_unsure}",
        ]
        if self.unanswered:
            lines.append(f"unanswered rows: {self.unanswered}")
        lines.append(
            f"held-out full text by the desk labels: P={held_out.precision:.3f} "
            f"R={held_out.recall:.3f} F1={held_out.f1:.3f} (tp={held_out.tp} fp={held_out.fp} "
            f"fn={held_out.fn})"
        )
        for label, unsure_to_desk in (("unsure left out", False), ("unsure = desk", True)):
            p = self.projected(held_out, unsure_to_desk=unsure_to_desk)
            lines.append(
                f"if the reader's shares held on all held-out disagreements ({label}): "
                f"P={p.precision:.3f} R={p.recall:.3f} F1={p.f1:.3f} "
                f"(tp={p.tp} fp={p.fp} fn={p.fn})"
            )
        lines.append(
            "(agreements are not projected: 20 cannot estimate a rate on ~7,000; they show "
            "whether the reader and the labels share the notion of technology)"
        )
        return "\n".join(lines)


def score_answers(rows: Sequence[Mapping[str, str]], key: Mapping[str, Any]) -> AuditScore:
    """Count filled rows (id = sheet number, tech = yes/no/unsure) against the key.
    Raises ValueError on an unknown id or answer, or a key of another format."""
    if key.get("format") != KEY_FORMAT:
        raise ValueError(f"key: expected format {KEY_FORMAT}")
    items = {str(item["number"]): item for item in key["items"]}
    counts = dict.fromkeys(AuditScore.__dataclass_fields__, 0)
    seen: set[str] = set()
    for row in rows:
        number = (row.get("id") or "").strip()
        if number not in items:
            raise ValueError(f"row {dict(row)}: id {number!r} is not on the sheet")
        raw = (row.get("tech") or "").strip().lower()
        if not raw:
            continue
        if raw not in ANSWERS:
            raise ValueError(f"row {dict(row)}: tech must be yes, no or unsure")
        seen.add(number)
        answer = ANSWERS[raw]
        item = items[number]
        desk, model = bool(item["desk"]), bool(item["model"])
        if desk == model:
            group, sides = "agreements", {desk: "same", not desk: "other"}
        else:
            group = "missed" if desk else "alarms"
            sides = {model: "model", desk: "desk"}
        side = "unsure" if answer == "unsure" else sides[answer == "yes"]
        counts[f"{group}_{side}"] += 1
    counts["unanswered"] = len(items) - len(seen)
    return AuditScore(**counts)


def held_out_scores(key: Mapping[str, Any]) -> Scores:
    counts = key["held_out_full_text"]
    return Scores(int(counts["tp"]), int(counts["fp"]), int(counts["fn"]), int(counts["tn"]))


def build(
    corpus: Path,
    sheet: Path,
    answers: Path,
    key: Path,
    topics: Path | None = None,
    model_path: Path | None = None,
) -> str:
    """Write the sheet, the blank answers and the key; returns a one-line summary."""
    _, held_out = split(read_corpus(corpus))
    model = load_model(model_path) if model_path else load_default_model()
    classifier = LexiconClassifier(TopicCatalog.load(topics or default_topics_path()))
    decided = decide(held_out, classifier, model)
    items = sample(decided)
    counts = confusion(decided)
    model_note = (
        f"{model_path or 'shipped digest/data/tech_relevance.json'}: {len(model.weights)} "
        f"weights, threshold {model.threshold}"
    )
    for path in (sheet, answers, key):
        path.parent.mkdir(parents=True, exist_ok=True)
    sheet.write_text(render_sheet(items) + "\n", encoding="utf-8")
    with answers.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "tech", "note"])
        writer.writerows([item.number, "", ""] for item in items)
    key.write_text(
        json.dumps(key_data(items, counts, model_note), ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
    disputed = sum(item.disagreement for item in items)
    return (
        f"wrote {sheet} ({len(items)} articles: {disputed} disagreements, "
        f"{len(items) - disputed} agreements), {answers}, key {key}; held-out full text "
        f"tp={counts.tp} fp={counts.fp} fn={counts.fn} tn={counts.tn}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m digest.eval.filter_audit")
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("build", help="write the blind sheet, blank answers and the key")
    cmd.add_argument("--corpus", type=Path, default=Path("../shared/corpora/ant/pool.jsonl"))
    cmd.add_argument("--topics", type=Path, default=None)
    cmd.add_argument("--model", type=Path, default=None, help="default: the shipped model")
    cmd.add_argument("--out", type=Path, default=Path("/work/sheets/filter-audit.md"))
    cmd.add_argument("--answers", type=Path, default=Path("/work/sheets/filter-audit.csv"))
    cmd.add_argument(
        "--key", type=Path, default=Path("tests/fixtures/judged/filter-audit.key.json")
    )
    cmd = sub.add_parser("score", help="score a filled answer CSV against the key")
    cmd.add_argument("answers", type=Path)
    cmd.add_argument(
        "--key", type=Path, default=Path("tests/fixtures/judged/filter-audit.key.json")
    )
    args = parser.parse_args(argv)
    if args.command == "build":
        print(build(args.corpus, args.out, args.answers, args.key, args.topics, args.model))
        return 0
    key = json.loads(args.key.read_text(encoding="utf-8"))
    with args.answers.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    try:
        result = score_answers(rows, key)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(result.report(held_out_scores(key)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
