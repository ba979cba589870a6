"""Summary eval on EASC: ours vs Lead vs sumy LexRank/TextRank, ROUGE-1/2/L F1.

Every method chooses among the same sentences (our splitter), and is scored the same
way: F1 against each of the article's five references, averaged, then averaged over
articles, x100. Two budgets: the top 3 sentences, and the references' mean length in
tokens (sentences are added by rank until the budget is reached; the summary is then
cut to the budget). The corpus is split deterministically into a tune half (used to fit
`InclusionModel`, see ``bench/fit_inclusion.py``) and a report half; the report half is
the headline.

sumy (dev-only) is imported lazily and gets our sentence objects and tokenizer, so no
nltk data is needed.

Run: ``python -m digest.eval.summaries --corpus ../shared/corpora/easc/dev.jsonl``
"""

from __future__ import annotations

import argparse
import json
import pathlib
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..jsonl import jsonl_lines
from ..sentences import Sentence, segment
from ..summarize.extractive import ExtractiveSummarizer, InclusionModel
from .rouge import RougeScores, mean_scores, rouge_tokens, rouge_tokens_scores

__all__ = [
    "Budget",
    "EvalArticle",
    "annotator_vote",
    "annotators_and_model",
    "evaluate",
    "evaluate_per_article",
    "load_corpus",
    "paired_bootstrap",
    "run_summary_eval",
    "split_corpus",
]


@dataclass(frozen=True)
class EvalArticle:
    id: str
    category: str
    topic: int
    text: str
    references: tuple[str, ...]
    title: str = ""


@dataclass(frozen=True)
class Budget:
    """Either a number of sentences or the references' mean token length."""

    name: str
    sentences: int | None = None  # None: reference length in tokens


OURS = "ours (sentences)"
VOTE = "annotators' vote *"
VOTE_AND_MODEL = "others' picks + ours **"
TOP3 = Budget("top-3 sentences", sentences=3)
REFERENCE_LENGTH = Budget("reference length")
BUDGETS = (TOP3, REFERENCE_LENGTH)

# A method maps (article, its segments, max sentences, max tokens) to the chosen
# sentences as (position in the article, text), best first.
Method = Callable[[EvalArticle, list[Sentence], int | None, int | None], list[tuple[int, str]]]


def load_corpus(path: pathlib.Path) -> list[EvalArticle]:
    """Read an EASC-style JSONL file. Raises FileNotFoundError, ValueError."""
    articles = []
    for line_number, line in jsonl_lines(path):
        try:
            record = json.loads(line)
            articles.append(
                EvalArticle(
                    id=str(record["id"]),
                    category=str(record.get("category", "")),
                    topic=int(record.get("topic", line_number)),
                    text=str(record["text"]),
                    references=tuple(str(s) for s in record["summaries"]),
                    title=str(record.get("title", "")),
                )
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{path}:{line_number}: bad record ({error})") from error
    return articles


def split_corpus(
    articles: Sequence[EvalArticle],
) -> tuple[list[EvalArticle], list[EvalArticle]]:
    """(tune, report): inside each category, by topic number, alternate articles."""
    by_category: dict[str, list[EvalArticle]] = defaultdict(list)
    for article in articles:
        by_category[article.category].append(article)
    tune: list[EvalArticle] = []
    report: list[EvalArticle] = []
    for category in sorted(by_category):
        for position, article in enumerate(sorted(by_category[category], key=lambda a: a.topic)):
            (tune if position % 2 == 0 else report).append(article)
    return tune, report


def _reference_budget(article: EvalArticle) -> int:
    lengths = [len(rouge_tokens(ref)) for ref in article.references]
    return max(1, round(sum(lengths) / len(lengths)))


def evaluate(articles: Sequence[EvalArticle], method: Method, budget: Budget) -> RougeScores:
    """Mean ROUGE of one method at one budget over the articles."""
    return mean_scores(evaluate_per_article(articles, method, budget))


def evaluate_per_article(
    articles: Sequence[EvalArticle], method: Method, budget: Budget
) -> list[RougeScores]:
    """ROUGE of one method at one budget for each article (mean over its references)."""
    per_article = []
    for article in articles:
        sentences = segment(article.text)
        max_tokens = None if budget.sentences else _reference_budget(article)
        chosen = method(article, sentences, budget.sentences, max_tokens)
        tokens = summary_tokens(chosen, max_tokens)
        refs = [rouge_tokens(ref) for ref in article.references]
        per_article.append(mean_scores([rouge_tokens_scores(tokens, ref) for ref in refs]))
    return per_article


def paired_bootstrap(
    ours: Sequence[float], theirs: Sequence[float], *, samples: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """95% interval of mean(ours - theirs) by resampling articles (paired, with
    replacement; deterministic for a seed). Tells a real gain from a lucky split."""
    if len(ours) != len(theirs):
        raise ValueError("paired_bootstrap needs two score lists of the same length")
    differences = [a - b for a, b in zip(ours, theirs, strict=True)]
    if not differences:
        return (0.0, 0.0)
    rng = random.Random(seed)
    n = len(differences)
    means = sorted(sum(rng.choices(differences, k=n)) / n for _ in range(samples))
    return (means[int(0.025 * samples)], means[min(samples - 1, int(0.975 * samples))])


def summary_tokens(chosen: Sequence[tuple[int, str]], max_tokens: int | None) -> list[str]:
    """Tokens of a summary: best-first sentences cut to the token budget (the last one
    kept may be cut), then put back in article order."""
    kept: list[tuple[int, list[str]]] = []
    used = 0
    for position, text in chosen:
        tokens = rouge_tokens(text)
        if max_tokens is not None:
            if used >= max_tokens:
                break
            tokens = tokens[: max_tokens - used]
        kept.append((position, tokens))
        used += len(tokens)
    kept.sort(key=lambda item: item[0])
    return [token for _, tokens in kept for token in tokens]


# --- methods ---------------------------------------------------------------------------


def lead_method(
    article: EvalArticle,
    sentences: list[Sentence],
    max_sentences: int | None,
    max_tokens: int | None,
) -> list[tuple[int, str]]:
    """The first sentences of the article (headings skipped)."""
    chosen: list[tuple[int, str]] = []
    used = 0
    for sentence in sentences:
        if sentence.heading:
            continue
        if max_sentences is not None and len(chosen) >= max_sentences:
            break
        if max_tokens is not None and used >= max_tokens:
            break
        chosen.append((sentence.index, sentence.text))
        used += len(rouge_tokens(sentence.text))
    return chosen


def ours_method(summarizer: ExtractiveSummarizer) -> Method:
    """Our summarizer scored on what it ships: its bullets (leading connectives dropped,
    sentences over 300 characters cut to a safe leading clause)."""

    def method(
        article: EvalArticle,
        sentences: list[Sentence],
        max_sentences: int | None,
        max_tokens: int | None,
    ) -> list[tuple[int, str]]:
        return summarizer.bullets(
            article.title, article.text, max_bullets=max_sentences, max_tokens=max_tokens
        )

    return method


def ours_sentences_method(summarizer: ExtractiveSummarizer) -> Method:
    """Our ranking, scored on whole sentences (for comparison with the bullets)."""

    def method(
        article: EvalArticle,
        sentences: list[Sentence],
        max_sentences: int | None,
        max_tokens: int | None,
    ) -> list[tuple[int, str]]:
        picked = summarizer.select(
            article.title,
            article.text,
            max_sentences=max_sentences,
            max_tokens=max_tokens,
            article_order=False,
        )
        return [(s.index, s.text) for s in picked]

    return method


class _SumyTokenizer:
    """What sumy needs from a tokenizer, built on our own splitter and tokenizer."""

    language = "arabic"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(s.text for s in segment(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(rouge_tokens(sentence))


def sumy_method(kind: str) -> Method:
    """sumy's LexRank or TextRank over our sentences (imports sumy lazily)."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer

    summarizer: Any = LexRankSummarizer() if kind == "lexrank" else TextRankSummarizer()
    tokenizer = _SumyTokenizer()

    def build_document(sentences: list[Sentence]) -> Any:
        paragraphs: dict[int, list[Any]] = defaultdict(list)
        for sentence in sentences:
            paragraphs[sentence.paragraph].append(
                SumySentence(sentence.text, tokenizer, is_heading=sentence.heading)
            )
        return ObjectDocumentModel([Paragraph(p) for _, p in sorted(paragraphs.items())])

    def method(
        article: EvalArticle,
        sentences: list[Sentence],
        max_sentences: int | None,
        max_tokens: int | None,
    ) -> list[tuple[int, str]]:
        document = build_document(sentences)
        taken: list[Any] = []

        # sumy calls this with its sentences best rated first
        def count(infos: Sequence[Any]) -> list[Any]:
            used = 0
            for info in infos:
                if max_sentences is not None and len(taken) >= max_sentences:
                    break
                if max_tokens is not None and used >= max_tokens:
                    break
                taken.append(info)
                used += len(info.sentence.words)
            return list(taken)

        summarizer(document, count)
        return [(info.order, str(info.sentence)) for info in taken]

    return method


# --- report ----------------------------------------------------------------------------


def _methods(include_sumy: bool, summarizer: ExtractiveSummarizer) -> list[tuple[str, Method]]:
    methods: list[tuple[str, Method]] = [
        (OURS, ours_sentences_method(summarizer)),
        ("ours (bullets)", ours_method(summarizer)),
        ("Lead", lead_method),
    ]
    if include_sumy:
        methods.append(("sumy LexRank", sumy_method("lexrank")))
        methods.append(("sumy TextRank", sumy_method("textrank")))
    return methods


def _sumy_missing() -> str | None:
    """Why the sumy baselines cannot run here (None when they can)."""
    try:
        import numpy  # noqa: F401  (sumy's LexRank and TextRank need it)
        import sumy  # noqa: F401
    except ImportError as error:
        return f"sumy baselines skipped: {error} (pip install -e '.[dev]')"
    return None


def _table(
    title: str,
    articles: Sequence[EvalArticle],
    methods: list[tuple[str, Method]],
    summarizer: ExtractiveSummarizer,
) -> list[str]:
    lines = [title]
    results: dict[tuple[str, str], list[RougeScores]] = {}
    for budget in BUDGETS:
        lines.append(f"  budget: {budget.name}")
        lines.append(f"    {'method':<22}{'R1':>8}{'R2':>8}{'RL':>8}")
        for name, method in methods:
            per_article = evaluate_per_article(articles, method, budget)
            results[(name, budget.name)] = per_article
            r1, r2, rl = mean_scores(per_article).scaled()
            lines.append(f"    {name:<22}{r1:>8.1f}{r2:>8.1f}{rl:>8.1f}")
        vote = annotator_vote(articles, budget)
        r1, r2, rl = vote.scaled()
        lines.append(f"    {VOTE:<22}{r1:>8.1f}{r2:>8.1f}{rl:>8.1f}")
        r1, r2, rl = annotators_and_model(articles, budget, summarizer).scaled()
        lines.append(f"    {VOTE_AND_MODEL:<22}{r1:>8.1f}{r2:>8.1f}{rl:>8.1f}")
        ours = [s.rouge1 for s in results[(OURS, budget.name)]]
        lead = [s.rouge1 for s in results[("Lead", budget.name)]]
        low, high = paired_bootstrap(ours, lead)
        gain = (sum(ours) - sum(lead)) / max(1, len(ours))
        lines.append(
            f"    ours - Lead (R1): {100 * gain:+.1f}  "
            f"(95% paired bootstrap over articles: {100 * low:+.1f} .. {100 * high:+.1f})"
        )
    return lines


def run_summary_eval(
    corpus: pathlib.Path, *, include_sumy: bool = True, model: InclusionModel | None = None
) -> str:
    """The printable report: ROUGE-1/2/L F1 x100 on the report half (the headline) and
    on the tune half, for ours, Lead and (optionally) sumy LexRank/TextRank."""
    articles = load_corpus(corpus)
    tune, report = split_corpus(articles)
    missing = _sumy_missing() if include_sumy else None
    summarizer = ExtractiveSummarizer(model)
    methods = _methods(include_sumy and missing is None, summarizer)
    lines = [
        f"Summary eval on {corpus} ({len(articles)} articles, "
        f"{sum(len(a.references) for a in articles)} references)",
        "ROUGE F1 x100, mean over each article's references, Arabic-normalised tokens, "
        "no stemming.",
        "Split: inside each category by topic number, even positions = tune "
        f"({len(tune)} articles, used to set the weights), odd = report ({len(report)}).",
        "Every method picks among the same sentences (our splitter). 'ours (sentences)' is",
        "our ranking scored on whole sentences, like the baselines; 'ours (bullets)' is what",
        "users see (connectives dropped, sentences over 300 characters cut to a safe leading",
        "clause or skipped). Note: EASC references cut every sentence at 255 characters.",
        "* annotators' vote: for each reference, the sentences most of the other four",
        "references keep, scored against that one (leave-one-out): how far 'learning what",
        "annotators keep' can go on this corpus (compare it with Lead).",
        "** others' picks + ours: our search, told which sentences the other four references",
        "keep (blended with our model's probabilities, 1:1 in total weight), scored against",
        "the held-out one: knowing four humans' choices hardly helps to predict the fifth's.",
        "",
    ]
    if missing:
        lines[-1:-1] = [missing]
    lines += _table(
        f"REPORT half ({len(report)} articles, held out from tuning)", report, methods, summarizer
    )
    lines.append("")
    lines += _table(f"tune half ({len(tune)} articles, for reference)", tune, methods, summarizer)
    lines.append("")
    lines.append(
        "Why Lead is hard to beat here - share of references that keep the sentence at "
        "each position (tune half):"
    )
    lines.append(
        "  " + "  ".join(f"{label}: {share:.2f}" for label, share in kept_by_position(tune))
    )
    return "\n".join(lines)


def _contains(sentence: Sentence, reference: Counter[str]) -> bool:
    """The reference keeps the sentence: 80% of its tokens are in it (references cut
    sentences at 255 characters, so only that much of each sentence is compared)."""
    tokens = Counter(rouge_tokens(sentence.text[:255]))
    total = sum(tokens.values())
    return bool(total) and sum((tokens & reference).values()) >= 0.8 * total


def kept_by_position(
    articles: Sequence[EvalArticle], *, positions: int = 10
) -> list[tuple[str, float]]:
    """For sentence positions 0..positions-1 (and a last bucket for the rest): the share
    of references that contain the sentence (see `_contains`)."""
    kept: dict[int, list[float]] = defaultdict(list)
    for article in articles:
        references = [Counter(rouge_tokens(ref)) for ref in article.references]
        if not references:
            continue
        sentences = [s for s in segment(article.text) if not s.heading]
        for position, sentence in enumerate(sentences):
            if not rouge_tokens(sentence.text[:255]):
                continue
            share = sum(_contains(sentence, ref) for ref in references) / len(references)
            kept[min(position, positions)].append(share)
    return [
        (str(p) if p < positions else f"{positions}+", sum(v) / len(v))
        for p, v in sorted(kept.items())
    ]


def annotators_and_model(
    articles: Sequence[EvalArticle],
    budget: Budget,
    summarizer: ExtractiveSummarizer,
    *,
    model_weight: float = 4.0,
) -> RougeScores:
    """Our search, told what the OTHER annotators kept: for each reference in turn, a
    sentence's probability is (its votes among the other references + model_weight x
    our model's probability) / (their number + model_weight); the summary is scored
    against that one reference (leave-one-out), averaged like `evaluate`. If knowing
    four humans' picks does not beat our model alone, no feature of the text will:
    what is left is one annotator's own taste."""
    per_article = []
    for article in articles:
        candidates = summarizer.rank(article.title, article.text)
        references = [Counter(rouge_tokens(ref)) for ref in article.references]
        if len(references) < 2 or not candidates:
            continue
        kept = [[_contains(c.sentence, ref) for ref in references] for c in candidates]
        others = len(references) - 1
        max_tokens = None if budget.sentences else _reference_budget(article)
        scores = []
        for held_out, reference in enumerate(article.references):
            told = [
                c._replace(
                    probability=(sum(row) - row[held_out] + model_weight * c.probability)
                    / (others + model_weight)
                )
                for c, row in zip(candidates, kept, strict=True)
            ]
            picked = summarizer.pick(told, max_sentences=budget.sentences, max_tokens=max_tokens)
            chosen = [(c.sentence.index, c.sentence.text) for c in picked]
            tokens = summary_tokens(chosen, max_tokens)
            scores.append(rouge_tokens_scores(tokens, rouge_tokens(reference)))
        per_article.append(mean_scores(scores))
    return mean_scores(per_article)


def annotator_vote(articles: Sequence[EvalArticle], budget: Budget) -> RougeScores:
    """How well the references predict each other: for each reference in turn, the
    sentences kept by most of the OTHER references (ties: earlier first), within the
    budget, scored against that one reference; averaged like `evaluate`. A method that
    learns "what annotators keep" from these labels can hardly do better, so this is
    a practical ceiling for any learned sentence scorer on the corpus."""
    per_article = []
    for article in articles:
        sentences = [s for s in segment(article.text) if not s.heading]
        references = [Counter(rouge_tokens(ref)) for ref in article.references]
        if len(references) < 2:
            continue
        kept = [[_contains(s, ref) for ref in references] for s in sentences]
        max_tokens = None if budget.sentences else _reference_budget(article)
        scores = []
        for held_out, reference in enumerate(article.references):
            votes = [sum(row) - row[held_out] for row in kept]
            order = sorted(range(len(sentences)), key=lambda k: (-votes[k], k))
            chosen = [(sentences[k].index, sentences[k].text) for k in order]
            if budget.sentences is not None:
                chosen = chosen[: budget.sentences]
            tokens = summary_tokens(chosen, max_tokens)
            scores.append(rouge_tokens_scores(tokens, rouge_tokens(reference)))
        per_article.append(mean_scores(scores))
    return mean_scores(per_article)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=pathlib.Path, required=True)
    parser.add_argument("--no-sumy", action="store_true", help="skip the sumy baselines")
    args = parser.parse_args(argv)
    try:
        print(run_summary_eval(args.corpus, include_sumy=not args.no_sumy))
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
