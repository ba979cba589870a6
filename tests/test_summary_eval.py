"""Summary eval harness: budgets, split, methods, report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digest.eval.summaries import (
    REFERENCE_LENGTH,
    TOP3,
    Budget,
    EvalArticle,
    annotator_vote,
    annotators_and_model,
    evaluate,
    kept_by_position,
    lead_method,
    load_corpus,
    main,
    paired_bootstrap,
    run_summary_eval,
    split_corpus,
    summary_tokens,
)
from digest.summarize import ExtractiveSummarizer

EASC_DEV = Path(__file__).resolve().parent.parent.parent / "shared/corpora/easc/dev.jsonl"

SENTENCES = [
    "أعلنت الشركة عن نموذج جديد للذكاء الاصطناعي اليوم.",
    "يعمل النموذج على الهواتف دون اتصال بالشبكة.",
    "تخطط الشركة لإتاحته للمطورين مجانا.",
    "وقال المدير إن الفريق عمل عليه عامين.",
    "وتتوقع الشركة إقبالا كبيرا من المستخدمين.",
]


def _article(references: list[str]) -> EvalArticle:
    return EvalArticle("a1", "tech", 1, " ".join(SENTENCES), tuple(references))


def test_lead_is_perfect_when_references_are_the_lead() -> None:
    article = _article([" ".join(SENTENCES[:3])] * 2)
    scores = evaluate([article], lead_method, TOP3)
    assert scores.scaled() == pytest.approx((100.0, 100.0, 100.0))
    # reference length: same three sentences fit the budget exactly
    assert evaluate([article], lead_method, REFERENCE_LENGTH).rouge1 == pytest.approx(1.0)


def test_reference_length_budget_cuts_the_summary() -> None:
    article = _article([SENTENCES[0]])  # 8 tokens
    scores = evaluate([article], lead_method, REFERENCE_LENGTH)
    # Lead's first sentence is exactly the reference; the cut drops everything after it
    assert scores.rouge1 == pytest.approx(1.0)


def test_summary_tokens_cuts_best_first_then_restores_article_order() -> None:
    chosen = [(2, "ج د"), (0, "أ ب"), (1, "هـ و")]
    # budget 3: all of the best sentence (2 tokens), one token of the next, none of the last
    assert summary_tokens(chosen, 3) == ["ا", "ج", "د"]
    assert summary_tokens(chosen, None) == ["ا", "ب", "ه", "و", "ج", "د"]


def test_split_alternates_inside_each_category() -> None:
    articles = [
        EvalArticle(f"x{i}", "art" if i < 4 else "sport", i, "نص.", ("نص.",)) for i in range(7)
    ]
    tune, report = split_corpus(list(reversed(articles)))
    assert [a.id for a in tune] == ["x0", "x2", "x4", "x6"]
    assert [a.id for a in report] == ["x1", "x3", "x5"]


def test_load_corpus_reports_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "text": "نص", "summaries": ["نص"]}\n{"id": "b"}\n', "utf-8")
    with pytest.raises(ValueError, match=r"bad.jsonl:2"):
        load_corpus(path)


def test_cli_entry_reports_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--corpus", str(tmp_path / "missing.jsonl"), "--no-sumy"]) == 2
    assert "error" in capsys.readouterr().err


@pytest.mark.skipif(not EASC_DEV.exists(), reason="EASC dev corpus not beside the repository")
def test_report_on_a_slice_of_easc_with_sumy(tmp_path: Path) -> None:
    pytest.importorskip("sumy")
    pytest.importorskip("numpy")
    lines = EASC_DEV.read_text(encoding="utf-8").splitlines()[:8]
    corpus = tmp_path / "slice.jsonl"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = run_summary_eval(corpus)
    for name in ("ours (sentences)", "ours (bullets)", "Lead", "sumy LexRank", "sumy TextRank"):
        rows = [line for line in report.splitlines() if line.strip().startswith(name + "  ")]
        assert len(rows) == 4  # two halves x two budgets
    assert "REPORT half" in report and "tune half" in report
    assert "top-3 sentences" in report and "reference length" in report
    ours_rows = [line.split() for line in report.splitlines() if line.startswith("    ours (")]
    for row in ours_rows:
        r1, r2, rl = (float(x) for x in row[-3:])
        assert 0 < r2 <= r1 <= 100 and 0 < rl <= 100
    assert json.loads(lines[0])["id"] in {a.id for a in load_corpus(corpus)}


def test_kept_by_position_counts_references_holding_each_sentence() -> None:
    article = _article([SENTENCES[0], SENTENCES[0] + " " + SENTENCES[2]])
    shares = dict(kept_by_position([article], positions=3))
    assert shares["0"] == 1.0  # both references keep the first sentence
    assert shares["1"] == 0.0
    assert shares["2"] == 0.5
    assert shares["3+"] == 0.0


def test_annotator_vote_scores_each_reference_by_the_others_choice() -> None:
    # references A and B keep sentence 0, C keeps sentence 1; one sentence allowed
    article = _article([SENTENCES[0], SENTENCES[0], SENTENCES[1]])
    scores = annotator_vote([article], Budget("top-1", sentences=1))
    # held out A: B and C vote 1:1, the tie goes to the earlier sentence 0 = A -> 1.0;
    # held out B: likewise 1.0; held out C: A and B pick sentence 0, which shares no
    # token with C -> 0.0
    assert scores.rouge1 == pytest.approx(2 / 3)
    assert scores.rouge2 == pytest.approx(2 / 3)


def test_annotator_vote_needs_two_references() -> None:
    article = _article([SENTENCES[0]])
    assert annotator_vote([article], TOP3).rouge1 == 0.0


def test_search_told_the_other_annotators_picks_follows_them() -> None:
    # every reference keeps only sentence 2; told the others' picks (and nothing from
    # our model), the search picks sentence 2 for each held-out reference -> R1 = 1.0
    article = _article([SENTENCES[2]] * 3)
    summarizer = ExtractiveSummarizer()
    told = annotators_and_model([article], Budget("top-1", sentences=1), summarizer, model_weight=0)
    assert told.rouge1 == pytest.approx(1.0)
    # our model alone prefers the lead sentence, which shares only "الشركة" with it
    alone = evaluate(
        [article],
        lambda a, s, n, t: [
            (x.index, x.text) for x in summarizer.select(a.title, a.text, max_sentences=n)
        ],
        Budget("top-1", sentences=1),
    )
    assert alone.rouge1 < 0.5


def test_paired_bootstrap_interval() -> None:
    # a constant difference has no spread
    assert paired_bootstrap([0.5, 0.7, 0.2], [0.4, 0.6, 0.1]) == pytest.approx((0.1, 0.1))
    # mixed differences: the interval brackets their mean and lies within their range
    ours = [0.9, 0.1, 0.6, 0.4, 0.8, 0.3]
    theirs = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    low, high = paired_bootstrap(ours, theirs, samples=500)
    mean = sum(o - t for o, t in zip(ours, theirs, strict=True)) / len(ours)
    assert -0.4 <= low < mean < high <= 0.4
    # deterministic for a seed
    assert paired_bootstrap(ours, theirs, samples=500) == (low, high)
    with pytest.raises(ValueError):
        paired_bootstrap([0.1], [])
