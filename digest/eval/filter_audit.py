"""Label audit of the technology filter: how much of its error is the desk labels' error?

ANT labels an article by the desk that published it, and desks disagree (weather filed
under technology, Telegram blocked in Russia filed under politics). This measures the
ceiling honestly: a reader judges, blind, 60 held-out articles (digest.relevance.is_held_out,
never used for any choice) on full text with the shipped model:

* 40 where model and desk label disagree: 20 the desk calls technology and the model does
  not, 20 the other way (fewer if one side has fewer; the other side fills up);
* 20 where they agree (10 technology, 10 not), so that the reader cannot guess that every
  article is a disputed one and so that the reader's own consistency is visible.

Each group is sampled in the order of ``sha1(SALT + "|" + id)``; the 60 are shuffled by
``sha1(SALT + "-order|" + id)``, SALT being ``newsdigest-filter-audit`` for the first sheet.
A further, independent sheet takes another ``--salt`` and ``--skip-key`` of every earlier
key, so that none of its articles was on an earlier sheet (``skip`` only narrows the sample:
the held-out confusion counts stay those of the whole held-out part). The sheet shows only the title
and the first ~1,500 characters of the text: no label, no score, no outlet, no corpus id
(ANT ids name the outlet and the desk). The key (item -> corpus id, desk label, model
decision) and the held-out confusion counts are written to a separate key file that the
reader must not see; ``score`` reads the filled CSV with the key, so later changes to the model or
the lexicons do not change what the answers mean.

    python -m digest.eval.filter_audit build [--corpus ../shared/corpora/ant/pool.jsonl]
        [--out /work/sheets/filter-audit.md] [--answers /work/sheets/filter-audit.csv]
        [--key tests/fixtures/judged/filter-audit.key.json]
        [--salt newsdigest-filter-audit] [--skip-key EARLIER.key.json ...]
    python -m digest.eval.filter_audit score FILLED.csv [SECOND_READER.csv]
        [--key tests/fixtures/judged/filter-audit.key.json]

The key is written into the repository (tests/fixtures/judged/), not beside the sheet, so
that the reader's directory holds nothing but the sheet and the blank answers.

``score`` prints, on the disagreements, how often the reader sided with the model and how
often with the desk (per direction), the reader's agreement on the 20 agreements, and the
full-text F1 the model would get on the held-out part if the reader's shares held for all
its disagreements. Given two filled CSVs of the same sheet (two readers), it prints each
reader's lines, how often the two gave the same answer, and the projected F1 by each reader
and by their consensus (an item on which they differ counts as unsure).
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

DEFAULT_SALT = "newsdigest-filter-audit"
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


def sample_salt(name: str) -> str:
    """The prefix hashed with each id to sample a group (the first sheet's for the default)."""
    return f"{name}|"


def order_salt(name: str) -> str:
    """The prefix hashed with each id to shuffle the chosen articles."""
    return f"{name}-order|"


def read_key_ids(paths: Sequence[Path]) -> frozenset[str]:
    """Every corpus id in the given keys (earlier sheets, to leave out of a new one)."""
    ids: set[str] = set()
    for path in paths:
        key = json.loads(path.read_text(encoding="utf-8"))
        if key.get("format") != KEY_FORMAT:
            raise ValueError(f"{path}: expected key format {KEY_FORMAT}")
        ids.update(str(item["id"]) for item in key["items"])
    return frozenset(ids)


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
    *,
    salt: str = DEFAULT_SALT,
    skip: frozenset[str] = frozenset(),
) -> list[AuditItem]:
    """The sheet's articles, numbered in the shuffled order (see the module docstring).
    Records whose id is in `skip` are never chosen; `salt` names the two hash orders."""
    groups: dict[tuple[bool, bool], list[CorpusRecord]] = {}
    for record, predicted in decided:
        if record.id not in skip:
            groups.setdefault((record.is_tech, predicted), []).append(record)
    by_sample = sample_salt(salt)
    for members in groups.values():
        members.sort(key=lambda r: _hash(by_sample, r.id))
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
    by_order = order_salt(salt)
    chosen.sort(key=lambda r: _hash(by_order, r.id))
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


def key_data(
    items: Sequence[AuditItem],
    held_out: Scores,
    model_note: str,
    drawn: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """What `score` needs, fixed at build time: the items and the held-out confusion counts.
    `drawn` (salt and skipped keys of a further sheet) is recorded when given; the first
    sheet's key has none, so that its default build stays byte-identical."""
    return {
        "format": KEY_FORMAT,
        "model": model_note,
        **({"drawn": dict(drawn)} if drawn else {}),
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


def read_answers(rows: Sequence[Mapping[str, str]], key: Mapping[str, Any]) -> dict[str, str]:
    """Sheet number -> normalised answer ("yes", "no" or "unsure") of the answered rows.
    Raises ValueError on an unknown id or answer, or a key of another format."""
    if key.get("format") != KEY_FORMAT:
        raise ValueError(f"key: expected format {KEY_FORMAT}")
    numbers = {str(item["number"]) for item in key["items"]}
    answers: dict[str, str] = {}
    for row in rows:
        number = (row.get("id") or "").strip()
        if number not in numbers:
            raise ValueError(f"row {dict(row)}: id {number!r} is not on the sheet")
        raw = (row.get("tech") or "").strip().lower()
        if not raw:
            continue
        if raw not in ANSWERS:
            raise ValueError(f"row {dict(row)}: tech must be yes, no or unsure")
        answers[number] = ANSWERS[raw]
    return answers


def score_answers(rows: Sequence[Mapping[str, str]], key: Mapping[str, Any]) -> AuditScore:
    """Count filled rows (id = sheet number, tech = yes/no/unsure) against the key.
    Raises ValueError on an unknown id or answer, or a key of another format."""
    return _count(read_answers(rows, key), key)


def _count(answers: Mapping[str, str], key: Mapping[str, Any]) -> AuditScore:
    items = {str(item["number"]): item for item in key["items"]}
    counts = dict.fromkeys(AuditScore.__dataclass_fields__, 0)
    for number, answer in answers.items():
        item = items[number]
        desk, model = bool(item["desk"]), bool(item["model"])
        if desk == model:
            group, sides = "agreements", {desk: "same", not desk: "other"}
        else:
            group = "missed" if desk else "alarms"
            sides = {model: "model", desk: "desk"}
        side = "unsure" if answer == "unsure" else sides[answer == "yes"]
        counts[f"{group}_{side}"] += 1
    counts["unanswered"] = len(items) - len(answers)
    return AuditScore(**counts)


@dataclass(frozen=True)
class ReaderAgreement:
    """How two readers of the same sheet agree, on the items both answered: `same` of
    `both` overall, split into the model-desk disagreements and agreements; `kappa` is
    Cohen's kappa over the three answers (agreement beyond what the two readers' answer
    shares give by chance; 1.0 when both always give one and the same answer)."""

    both: int
    same: int
    disputed_both: int
    disputed_same: int
    agreed_both: int
    agreed_same: int
    kappa: float


def reader_agreement(
    first: Mapping[str, str], second: Mapping[str, str], key: Mapping[str, Any]
) -> ReaderAgreement:
    """Agreement of two readers' normalised answers (see `read_answers`) on one key."""
    disputed = {str(item["number"]) for item in key["items"] if item["desk"] != item["model"]}
    both = sorted(set(first) & set(second))
    same = [n for n in both if first[n] == second[n]]
    observed = len(same) / len(both) if both else 0.0
    chance = (
        sum(
            sum(first[n] == answer for n in both) * sum(second[n] == answer for n in both)
            for answer in ("yes", "no", "unsure")
        )
        / len(both) ** 2
        if both
        else 0.0
    )
    kappa = (observed - chance) / (1 - chance) if chance < 1 else 1.0
    return ReaderAgreement(
        both=len(both),
        same=len(same),
        disputed_both=sum(n in disputed for n in both),
        disputed_same=sum(n in disputed for n in same),
        agreed_both=sum(n not in disputed for n in both),
        agreed_same=sum(n not in disputed for n in same),
        kappa=kappa,
    )


def consensus(first: Mapping[str, str], second: Mapping[str, str]) -> dict[str, str]:
    """The two readers' joint answers: an item both answered keeps the common answer, or
    becomes "unsure" where they differ; an item only one answered stays unanswered."""
    return {n: first[n] if first[n] == second[n] else "unsure" for n in first if n in second}


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.0%})" if whole else f"{part}/{whole}"


def two_readers_report(
    first_rows: Sequence[Mapping[str, str]],
    second_rows: Sequence[Mapping[str, str]],
    key: Mapping[str, Any],
    names: tuple[str, str] = ("reader 1", "reader 2"),
) -> str:
    """Each reader's `AuditScore.report`, then how often they agree and the projected
    held-out F1 by each reader and by their consensus. Raises ValueError as `read_answers`."""
    held_out = held_out_scores(key)
    first, second = read_answers(first_rows, key), read_answers(second_rows, key)
    together = consensus(first, second)
    lines: list[str] = []
    for name, answers in zip(names, (first, second), strict=True):
        lines += [f"== {name}", _count(answers, key).report(held_out), ""]
    agreement = reader_agreement(first, second, key)
    lines += [
        "== both readers",
        f"same answer on {_share(agreement.same, agreement.both)} items both answered: "
        f"{_share(agreement.disputed_same, agreement.disputed_both)} of the model-desk "
        f"disagreements, {_share(agreement.agreed_same, agreement.agreed_both)} of the "
        f"agreements; Cohen's kappa {agreement.kappa:.2f}",
        "projected held-out full-text F1 (unsure left out / unsure = desk):",
    ]
    for name, answers in (*zip(names, (first, second), strict=True), ("consensus", together)):
        score = _count(answers, key)
        left_out = score.projected(held_out)
        to_desk = score.projected(held_out, unsure_to_desk=True)
        lines.append(f"  {name}: {left_out.f1:.3f} / {to_desk.f1:.3f}")
    lines.append(
        f"  (consensus: the {len(together)} items both answered, differing answers as unsure;"
        f" by the desk labels {held_out.f1:.3f})"
    )
    return "\n".join(lines)


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
    salt: str = DEFAULT_SALT,
    skip_keys: Sequence[Path] = (),
) -> str:
    """Write the sheet, the blank answers and the key; returns a one-line summary.
    `salt` and `skip_keys` draw a further sheet independent of the earlier keys'."""
    skip = read_key_ids(skip_keys)
    _, held_out = split(read_corpus(corpus))
    model = load_model(model_path) if model_path else load_default_model()
    classifier = LexiconClassifier(TopicCatalog.load(topics or default_topics_path()))
    decided = decide(held_out, classifier, model)
    items = sample(decided, salt=salt, skip=skip)
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
        json.dumps(
            key_data(items, counts, model_note, _drawn(salt, skip_keys, skip)),
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    disputed = sum(item.disagreement for item in items)
    return (
        f"wrote {sheet} ({len(items)} articles: {disputed} disagreements, "
        f"{len(items) - disputed} agreements; salt {salt!r}, {len(skip)} ids of earlier keys "
        f"left out), {answers}, key {key}; held-out full text "
        f"tp={counts.tp} fp={counts.fp} fn={counts.fn} tn={counts.tn}"
    )


def _drawn(salt: str, skip_keys: Sequence[Path], skip: frozenset[str]) -> dict[str, Any] | None:
    """The key's record of how a further sheet was drawn; None for the first sheet's way."""
    if salt == DEFAULT_SALT and not skip_keys:
        return None
    return {
        "salt": salt,
        "skipped_keys": [path.as_posix() for path in skip_keys],
        "skipped_ids": len(skip),
    }


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
    cmd.add_argument(
        "--salt",
        default=DEFAULT_SALT,
        help="names the sample and order hashes; the default draws the first sheet",
    )
    cmd.add_argument(
        "--skip-key",
        type=Path,
        action="append",
        default=[],
        help="an earlier key whose articles are left out (repeatable)",
    )
    cmd = sub.add_parser(
        "score", help="score one filled answer CSV, or two readers' CSVs of one sheet"
    )
    cmd.add_argument("answers", type=Path, nargs="+", help="one or two filled CSVs")
    cmd.add_argument(
        "--key", type=Path, default=Path("tests/fixtures/judged/filter-audit.key.json")
    )
    args = parser.parse_args(argv)
    if args.command == "build":
        print(
            build(
                args.corpus,
                args.out,
                args.answers,
                args.key,
                args.topics,
                args.model,
                salt=args.salt,
                skip_keys=args.skip_key,
            )
        )
        return 0
    if len(args.answers) > 2:
        parser.error("score takes one or two filled CSVs")
    key = json.loads(args.key.read_text(encoding="utf-8"))
    filled = []
    for path in args.answers:
        with path.open(encoding="utf-8", newline="") as handle:
            filled.append(list(csv.DictReader(handle)))
    try:
        if len(filled) == 1:
            printed = score_answers(filled[0], key).report(held_out_scores(key))
        else:
            names = (str(args.answers[0]), str(args.answers[1]))
            printed = two_readers_report(filled[0], filled[1], key, names)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(printed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
