"""Extractive summarizer: picks 3-5 sentences of the article as bullets.

Scoring (weights in `Weights`, tuned on one half of EASC dev, reported on the other):
a position prior, similarity to the title (or, without a title, to the lead sentence),
paragraph starts and a length prior; then MMR removes redundancy. TF-IDF centrality and
numbers/Latin names (``Nvidia H800``) are available as features but weigh 0 by default:
on EASC they did not help (annotators' choices beyond the first sentence are close to
uniform over positions, and no content feature moved them consistently). Learned
scorers (ridge regression, pairwise ranking; `bench/summary_learning.py`, 5-fold CV
inside the tune half) did no better than Lead, and neither does the majority vote of
the other annotators (the eval's "annotators' vote" row), so these weights stay
hand-set and few. Pure Python, about 1-2 ms per article.

Sentences over 220 characters become their longest clean leading part: cut at a comma
clause (`digest.sentences.shorten`) or, for the long comma-less sentences of Arabic
news, just before a clause opener such as حيث / وذلك / مشيرا (`cut_before_clause_opener`).

Bullets come out in the article's order, not by score: news sentences often lean on
what came before them (who "the company" is), so the original order reads best.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from ..arabic import detect_language, normalize, strip_diacritics, tokenize, tokenize_many
from ..sentences import Sentence, quotes_balanced, segment, shorten

__all__ = [
    "Candidate",
    "ExtractiveSummarizer",
    "Features",
    "Weights",
    "content_tokens",
    "cut_before_clause_opener",
    "strip_connective",
]


@dataclass(frozen=True)
class Weights:
    """Scoring weights. Defaults were tuned on the tune half of EASC dev (see
    digest.eval.summaries); the report half was not looked at while tuning."""

    position: float = 2.0  # prior for early sentences: 1 / (1 + index) ** decay
    position_decay: float = 0.5
    paragraph_start: float = 0.1  # first sentence of a paragraph
    title: float = 0.8  # similarity to the title (or to the lead sentence when untitled)
    lead: float = 0.2  # similarity to the lead sentence
    centrality: float = 0.0  # TF-IDF cosine to the whole document (did not help on EASC)
    entities: float = 0.0  # share of numbers / Latin names (did not help on EASC)
    length: float = 0.2  # prefer informative, not tiny sentences
    length_target: int = 20  # content tokens at which the length prior saturates
    mmr: float = 0.1  # redundancy penalty: score - mmr * max similarity to chosen
    min_tokens: int = 4  # sentences with fewer content tokens are not candidates
    long_penalty: float = 0.0  # per 50 word tokens beyond long_after
    long_after: int = 50


class Features(NamedTuple):
    """What the score of one candidate sentence is computed from (weights aside).
    A NamedTuple, not a dataclass: dozens are built per article and this is hot."""

    sentence: Sentence
    rank_index: int  # position among candidates
    paragraph_start: bool
    title_sim: float
    lead_sim: float
    centrality: float
    entities: float  # share of tokens that are numbers or Latin words
    content_terms: int
    tokens: int  # all word tokens (for length budgets)
    vector: dict[str, float]
    norm: float
    words: list[str]  # the sentence's normalised tokens


class Candidate(NamedTuple):
    """A sentence with its score (higher is better)."""

    features: Features
    score: float

    @property
    def sentence(self) -> Sentence:
        return self.features.sentence

    @property
    def tokens(self) -> int:
        return self.features.tokens


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_AR_STOPWORDS_RAW = """
في من على إلى الى عن مع أن ان إن لا ما لم لن قد كان كانت يكون تكون هو هي هم هن هذا هذه ذلك
تلك هؤلاء التي الذي الذين اللذين اللتين اللاتي كل بعض غير بين حتى أو او ثم كما لكن بل إذا اذا
حيث عند عندما منذ خلال بعد قبل أي اي أيضا ايضا فقط جدا تم وقد وكان وكانت وهو وهي وفي ومن وعلى
وإلى وان وأن وإن ولا ولم ذات ذو هناك هنا كذلك إلا الا أما اما لدى لقد فيه فيها منه منها عليه
عليها إليه به بها له لها لهم عنه عنها أنه انه أنها انها إنه انها وقال قال قالت يمكن وذلك وهذا
ضمن نحو مثل دون لدي ليس ليست عام أكثر اكثر أقل اقل حول عبر تحت فوق أمام لأن لان بأن بان كأن
ف و ب ل ك يا نحن أنا انت أنت هما وما وهذه فإن فان مما بما كلما سوف سي أمس اليوم
"""
_EN_STOPWORDS_RAW = """
a an the and or but if then of to in on at by for with from as is are was were be been being
it its this that these those he she they we you i his her their our your not no do does did
has have had will would can could should may might also than so such into about over after
before under more most other some any each which who whom whose what when where why how all
there here said says just only very up out new one two
"""
_STOPWORDS = frozenset(tokenize(_AR_STOPWORDS_RAW) + tokenize(_EN_STOPWORDS_RAW))

_AR_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")

_BOILERPLATE = re.compile(
    r"اقرأ\s+(?:أيضا|أيضًا|أيضاً|ايضا|المزيد)|إقرأ\s+(?:أيضا|ايضا)|شاهد\s+(?:أيضا|ايضا|أيضًا)"
    r"|اقرأ\s*:|جميع\s+الحقوق\s+محفوظة|حقوق\s+(?:النشر|الطبع)|©|\(c\)\s*\d{4}"
    r"|شارك\s+(?:هذا|المقال|الخبر|على)|تابعونا|تابعنا\s+على|اشترك\s+في|للاشتراك"
    r"|read\s+(?:more|also)|see\s+also|all\s+rights\s+reserved|copyright|share\s+(?:this|on)"
    r"|follow\s+us|subscribe|sign\s+up|click\s+here|اضغط\s+هنا|انقر\s+هنا|المصدر\s*:"
    # editor's notes and republication lines
    r"|^\W*(?:ملاحظة|تنويه|تنبيه|note|editor's\s+note)\s*:"
    r"|نشر(?:ت)?\s+(?:هذا\s+المقال|هذه\s+المقالة|المقال|للمرة\s+الأولى|للمره\s+الاولى|لأول\s+مرة)"
    r"|أعيد\s+نشر|وأعيد\s+نشر|originally\s+published|this\s+article\s+(?:was|first)",
    re.IGNORECASE,
)
_SOCIAL = re.compile(
    r"^(?:\W*(?:فيسبوك|فيس بوك|تويتر|واتساب|واتس اب|تيليجرام|تلغرام|لينكد\s?إن|إكس|"
    r"facebook|twitter|whatsapp|telegram|linkedin|email|print|طباعة|مشاركة|x)\W*)+$",
    re.IGNORECASE,
)

# Leading connectives that make a sentence lean on the one before it. Each entry is
# stripped as a whole word sequence; the rest of the sentence stays as written.
_AR_LEADING_PHRASES = tuple(
    sorted(
        (
            "وفي هذا السياق",
            "في هذا السياق",
            "وفي هذا الإطار",
            "في هذا الإطار",
            "من جهة أخرى",
            "ومن جهة أخرى",
            "من جهته",
            "ومن جهته",
            "من ناحية أخرى",
            "ومن ناحية أخرى",
            "في المقابل",
            "وفي المقابل",
            "بالإضافة إلى ذلك",
            "وبالإضافة إلى ذلك",
            "إلى جانب ذلك",
            "علاوة على ذلك",
            "وعلاوة على ذلك",
            "فضلا عن ذلك",
            "فضلاً عن ذلك",
            "وبالتالي",
            "بالتالي",
            "لذلك",
            "ولذلك",
            "لذا",
            "ولذا",
            "كما أن",
            "كما أنه",
            "كما أنها",
            "كما",
            "وكما",
            "ولكن",
            "لكن",
            "غير أن",
            "إلا أن",
            "ثم",
            "وأيضا",
            "أيضا",
            "أيضاً",
            "كذلك",
            "وكذلك",
            "أما",
        ),
        key=len,
        reverse=True,
    )
)
# After "و"/"ف" is removed the rest must still be a word; these are safe to expose.
_AR_AFTER_CONJUNCTION = _wordset(
    """قد في من على عن إلى الى كان كانت يكون تكون تم هو هي هذا هذه ذلك تلك لم لا لن ما إن أن
    لكن قال قالت أكد أكدت أشار أشارت أضاف أضافت أوضح أوضحت أظهرت أظهر أعلن أعلنت يعد تعد يعتبر
    تعتبر يأتي تأتي بعد قبل مع بين عند منذ حتى لقد يقول تقول يرى ترى يمكن يجب بحسب حسب أصبح
    أصبحت بات باتت يشير تشير يضيف تضيف يؤكد تؤكد بدأ بدأت جاء جاءت شهد شهدت تمكن تمكنت يبلغ
    تبلغ بلغ بلغت"""
)
_AR_NOT_CONJUNCTION_AL = _wordset("والد والدة والده والدته والدها والي والتر فالنسيا")
_AR_PHRASE_WORDS = {normalize(p): len(p.split()) for p in _AR_LEADING_PHRASES}
# longest phrase first, so that "كما أن" wins over "كما"
_AR_PHRASE_START = re.compile(
    "^("
    + "|".join(re.escape(k) for k in sorted(_AR_PHRASE_WORDS, key=len, reverse=True))
    + ")(?=[ ،,])"
)
_AR_SAFE_REMAINDERS = frozenset(normalize(w) for w in _AR_AFTER_CONJUNCTION)
_AR_NOT_CONJUNCTION_KEYS = frozenset(normalize(w) for w in _AR_NOT_CONJUNCTION_AL)
_EN_LEADING = re.compile(
    r"^(?:and|but|also|however|moreover|meanwhile|furthermore|in addition|additionally|"
    r"besides|still|yet|so|then|thus|therefore)\b,?\s+",
    re.IGNORECASE,
)
_STRAY_EDGE_QUOTES = '"“”«»'
# Cheap pre-check before the regexes above are tried on a sentence: the sentence must
# hold one of these (normalised) tokens, or the article a copyright sign.
_BOILERPLATE_TOKENS = frozenset(
    tokenize(
        """اقرأ إقرأ اقرا شاهد حقوق الحقوق شارك شاركوا تابعونا تابعنا اشترك للاشتراك اضغط انقر
        المصدر فيسبوك فيس تويتر واتساب واتس تيليجرام تلغرام لينكد إكس طباعة مشاركة ملاحظة
        تنويه تنبيه نشر نشرت أعيد وأعيد read see rights reserved copyright share follow
        subscribe sign click facebook twitter whatsapp telegram linkedin email print x note
        published article"""
    )
)


# Words that open a new clause after a complete one ("..., حيث ...", "... وذلك في ...",
# "... مشيرا إلى ..."): a long sentence without a comma may be cut just before them.
_AR_CLAUSE_OPENERS = (
    "حيث",
    "وذلك",
    "نتيجة",
    "بسبب",
    "بعد أن",
    "قبل أن",
    "غير أن",
    "إلا أن",
    "مما",
    "الأمر الذي",
    "وهو ما",
    "في حين",
    "بينما",
    "إذ",
    "وقد",
    "كما",
    "ولكن",
    "لكن",
    "وأضاف",
    "وأشار",
    "وأكد",
    "وأوضح",
    "موضحا",
    "مشيرا",
    "مؤكدا",
    "مضيفا",
    "لافتا",
)
_CLAUSE_OPENER = re.compile(
    r"\s(?=(?:" + "|".join(re.escape(w) for w in _AR_CLAUSE_OPENERS) + r")(?:ً)?\s)"
)
_MIN_CUT_WORDS = 8


def cut_before_clause_opener(sentence: str, max_chars: int) -> str | None:
    """The longest leading part of a long comma-less Arabic sentence that ends just
    before a clause opener (حيث, وذلك, مشيرا ...) and fits max_chars with its full stop;
    None when there is no such part of at least 8 words with balanced quotes."""
    best: str | None = None
    for match in _CLAUSE_OPENER.finditer(sentence, 0, max_chars):
        candidate = sentence[: match.start()].rstrip("،؛,;: ") + "."
        if len(candidate) > max_chars:
            break
        if len(candidate.split()) >= _MIN_CUT_WORDS and quotes_balanced(candidate):
            best = candidate
    return best


def _may_be_boilerplate(text: str) -> bool:
    """Whole-article test for the few signs the token check cannot see."""
    return "©" in text or "(c)" in text or "(C)" in text


@lru_cache(maxsize=1 << 16)
def _stem(token: str) -> str:
    """Light prefix stripping so that "الشركة" and "والشركة" match (scoring only)."""
    for prefix in _AR_PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= 3:
            return token[len(prefix) :]
    return token


def content_tokens(text: str) -> list[str]:
    """Stemmed tokens without stopwords, for similarity scoring."""
    return _content(tokenize(text))


@lru_cache(maxsize=1 << 16)
def _content_term(token: str) -> str:
    """The scoring term of a token, or "" for stopwords and one-letter tokens."""
    if token in _STOPWORDS or len(token) < 2:
        return ""
    return _stem(token)


def _content(words: Sequence[str]) -> list[str]:
    # map() over the cached function and filter() keep the per-token work in C
    return list(filter(None, map(_content_term, words)))


def is_boilerplate(text: str) -> bool:
    """Share buttons, "read also" links, copyright lines, editor's notes."""
    bare = strip_diacritics(text)
    return bool(_BOILERPLATE.search(bare)) or bool(_SOCIAL.match(bare.strip()))


def strip_connective(text: str, language: str = "ar") -> str:
    """Remove a leading connective ("و", "كما", "ولكن", "However,") that makes the
    sentence depend on the previous one. Returns the text unchanged when unsure."""
    if language != "ar":
        stripped = _EN_LEADING.sub("", text, count=1)
        if stripped != text and stripped:
            return stripped[0].upper() + stripped[1:]
        return text
    phrase = _AR_PHRASE_START.match(normalize(text[:60]))
    if phrase:
        words = _AR_PHRASE_WORDS[phrase.group(1)]
        parts = text.split(maxsplit=words)
        if len(parts) > words:
            return parts[words].lstrip("،, ").strip()
    first, _, rest = text.partition(" ")
    if not rest:
        return text
    bare = first.strip("،,")
    if len(bare) > 1 and bare[0] in "وف":
        remainder = bare[1:]
        folded_remainder = normalize(remainder)
        if folded_remainder in _AR_SAFE_REMAINDERS:
            return f"{remainder} {rest}"
        if (
            bare[0] == "و"
            and folded_remainder.startswith("ال")
            and len(folded_remainder) >= 4
            and normalize(bare) not in _AR_NOT_CONJUNCTION_KEYS
        ):
            return f"{remainder} {rest}"
        # "وأظهرت", "وأشار": hamzated perfect verbs after the conjunction
        if bare[0] == "و" and remainder[:1] in {"أ", "إ"} and len(remainder) >= 4:
            return f"{remainder} {rest}"
    return text


def _is_question(text: str) -> bool:
    return text.rstrip("\"”»’') ").endswith(("?", "؟"))


def _fix_edge_quotes(text: str) -> str:
    """Drop a quote mark left dangling at either end of a sentence."""
    if quotes_balanced(text):
        return text
    trimmed = text
    if trimmed[:1] in _STRAY_EDGE_QUOTES:
        trimmed = trimmed[1:].lstrip()
    if not quotes_balanced(trimmed) and trimmed[-1:] in _STRAY_EDGE_QUOTES:
        trimmed = trimmed[:-1].rstrip()
    if not quotes_balanced(trimmed) and len(trimmed) > 1 and trimmed[-2] in _STRAY_EDGE_QUOTES:
        # 'text".' -> 'text.'
        trimmed = trimmed[:-2].rstrip() + trimmed[-1]
    return trimmed


def _cosine(a: dict[str, float], b: dict[str, float], norm_a: float, norm_b: float) -> float:
    if not norm_a or not norm_b:
        return 0.0
    # the key intersection runs in C; sentences share only a few terms
    dot = sum([a[term] * b[term] for term in a.keys() & b.keys()])
    return dot / (norm_a * norm_b)


def _norm(vector: dict[str, float]) -> float:
    return math.hypot(*vector.values())


class ExtractiveSummarizer:
    """The default summarizer (digest.ports.Summarizer). Never raises on odd text."""

    name = "extractive"

    def __init__(
        self,
        weights: Weights | None = None,
        *,
        min_bullets: int = 3,
        max_bullets: int = 5,
        max_chars: int = 220,
    ) -> None:
        self.weights = weights or Weights()
        self.min_bullets = min_bullets
        self.max_bullets = max_bullets
        self.max_chars = max_chars

    # -- ranking ----------------------------------------------------------------------

    def features(self, title: str, text: str) -> list[Features]:
        """Candidate sentences of the article with their features, in article order.
        Headings, boilerplate, duplicates and tiny sentences are left out. Features
        whose weight is zero are not computed (left at 0.0): speed matters here."""
        sentences = [s for s in segment(text) if not s.heading]
        symbols = _may_be_boilerplate(text)
        w = self.weights
        seen: set[tuple[str, ...]] = set()
        kept: list[tuple[Sentence, Counter[str], list[str], int, int]] = []
        for sentence, words in zip(
            sentences, tokenize_many([s.text for s in sentences]), strict=True
        ):
            key = tuple(words)
            if key in seen:
                continue
            if (symbols or not _BOILERPLATE_TOKENS.isdisjoint(words)) and is_boilerplate(
                sentence.text
            ):
                continue
            seen.add(key)
            content = _content(words)
            special = sum(1 for word in words if word.isascii()) if w.entities else 0
            kept.append((sentence, Counter(content), words, special, len(content)))
        informative = [k for k in kept if k[4] >= w.min_tokens]
        # short texts: rather short sentences than fewer than min_bullets
        kept = (
            informative if len(informative) >= self.min_bullets else [k for k in kept if k[4] >= 2]
        )
        if not kept:
            return []
        count = len(kept)
        df: Counter[str] = Counter()
        for _, terms, *_ in kept:
            df.update(terms.keys())
        # idf depends on the document frequency only: one log per distinct frequency
        log_of = {freq: math.log(1.0 + count / freq) for freq in set(df.values())}
        idf = {term: log_of[freq] for term, freq in df.items()}
        vectors = [{t: tf * idf[t] for t, tf in terms.items()} for _, terms, *_ in kept]
        norms = [_norm(v) for v in vectors]
        centroid: dict[str, float] = {}
        if w.centrality:
            for vector in vectors:
                for term, value in vector.items():
                    centroid[term] = centroid.get(term, 0.0) + value
        centroid_norm = _norm(centroid)
        unseen_idf = math.log(1.0 + count)
        if title.strip():
            title_terms = Counter(content_tokens(title))
            title_vector = {t: tf * idf.get(t, unseen_idf) for t, tf in title_terms.items()}
        else:
            title_vector = vectors[0]
        title_norm = _norm(title_vector)
        out: list[Features] = []
        previous_paragraph = -1
        untitled = title_vector is vectors[0]
        for index, ((sentence, _, words, special, n_terms), vector, norm) in enumerate(
            zip(kept, vectors, norms, strict=True)
        ):
            # untitled articles compare with the lead sentence twice: compute it once
            lead_sim = (
                _cosine(vector, vectors[0], norm, norms[0])
                if w.lead or (untitled and w.title)
                else 0.0
            )
            if not w.title:
                title_sim = 0.0
            elif untitled:
                title_sim = lead_sim
            else:
                title_sim = _cosine(vector, title_vector, norm, title_norm)
            out.append(
                Features(
                    sentence,
                    index,
                    sentence.paragraph != previous_paragraph,
                    title_sim,
                    lead_sim if w.lead else 0.0,
                    _cosine(vector, centroid, norm, centroid_norm) if centroid_norm else 0.0,
                    special / max(1, len(words)),
                    n_terms,
                    len(words),
                    vector,
                    norm,
                    words,
                )
            )
            previous_paragraph = sentence.paragraph
        return out

    def score(self, f: Features) -> float:
        """Weighted sum of a sentence's features."""
        w = self.weights
        prior: float = w.position / (1.0 + f.rank_index) ** w.position_decay
        return (
            prior
            + w.paragraph_start * f.paragraph_start
            + w.title * f.title_sim
            + w.lead * f.lead_sim
            + w.centrality * f.centrality
            + w.entities * min(1.0, f.entities * 4)
            + w.length * min(1.0, f.content_terms / w.length_target)
            - w.long_penalty * max(0, f.tokens - w.long_after) / 50
        )

    def rank(self, title: str, text: str) -> list[Candidate]:
        """Candidates with scores, in article order."""
        return [Candidate(f, self.score(f)) for f in self.features(title, text)]

    def mmr_order(self, candidates: Sequence[Candidate]) -> Iterator[Candidate]:
        """Candidates, lazily, greedily ordered by score minus redundancy with those
        before (MMR). Lazy twice over: callers usually need only the first few, and a
        candidate's redundancy is only computed when its raw score could still win
        (redundancy only lowers a score)."""
        mmr = self.weights.mmr
        by_score = sorted(range(len(candidates)), key=lambda i: -candidates[i].score)
        if not mmr:
            for i in by_score:
                yield candidates[i]
            return
        chosen: list[Features] = []
        max_sim = [0.0] * len(candidates)
        checked = [0] * len(candidates)  # how many of `chosen` max_sim[i] accounts for
        remaining = by_score
        while remaining:
            best_position = -1
            best_value = -math.inf
            for position, i in enumerate(remaining):
                score = candidates[i].score
                if score <= best_value:
                    break  # sorted by raw score: nobody further down can win
                f = candidates[i].features
                for other in chosen[checked[i] :]:
                    sim = _cosine(f.vector, other.vector, f.norm, other.norm)
                    if sim > max_sim[i]:
                        max_sim[i] = sim
                checked[i] = len(chosen)
                value = score - mmr * max_sim[i]
                if value > best_value:
                    best_value = value
                    best_position = position
            best = remaining.pop(best_position)
            chosen.append(candidates[best].features)
            yield candidates[best]

    def select(
        self,
        title: str,
        text: str,
        *,
        max_sentences: int | None = None,
        max_tokens: int | None = None,
        article_order: bool = True,
    ) -> list[Sentence]:
        """Best sentences, whole, within a budget of sentences and/or word tokens (the
        last sentence may cross the token budget); in article order, or best first with
        ``article_order=False``. For evals."""
        chosen: list[Candidate] = []
        used = 0
        for candidate in self.mmr_order(self.rank(title, text)):
            if max_sentences is not None and len(chosen) >= max_sentences:
                break
            if max_tokens is not None and used >= max_tokens:
                break
            chosen.append(candidate)
            used += candidate.tokens
        if article_order:
            chosen.sort(key=lambda c: c.sentence.index)
        return [c.sentence for c in chosen]

    # -- bullets ----------------------------------------------------------------------

    def _bullet(
        self, sentence: str, language: str, words: list[str] | None = None
    ) -> tuple[str, list[str]] | None:
        """The sentence made readable on its own, with its tokens; None if it can't be.
        `words` are the sentence's tokens when known (reused if the text is unchanged)."""
        text = strip_connective(sentence, language)
        text = _fix_edge_quotes(text)
        shortened = shorten(text, self.max_chars)
        if language == "ar" and (shortened is None or shortened != text):
            # a comma clause can be much shorter than the part before a clause opener
            other = cut_before_clause_opener(text, self.max_chars)
            if other is not None and (shortened is None or len(other) > len(shortened)):
                shortened = other
        if shortened is None or not quotes_balanced(shortened):
            return None
        if words is None or shortened != sentence:
            words = tokenize(shortened)
        if len(words) < 4:
            return None
        return shortened, words

    def _bullet_count(self, candidates: int) -> int:
        if candidates < 8:
            wanted = self.min_bullets
        elif candidates < 16:
            wanted = self.min_bullets + 1
        else:
            wanted = self.max_bullets
        return max(self.min_bullets, min(self.max_bullets, wanted))

    def bullets(
        self,
        title: str,
        text: str,
        *,
        language: str = "ar",
        max_bullets: int | None = None,
        max_tokens: int | None = None,
    ) -> list[tuple[int, str]]:
        """(sentence position, bullet) pairs, best first, within a budget of bullets
        and/or word tokens (the last bullet may cross the token budget; without any
        budget, the 3-5 of `summarize`). Bullets are what users see: leading connectives
        dropped, over-long sentences cut to a clean leading clause, no duplicates."""
        if not text or not text.strip():
            return []
        if language not in {"ar", "en"}:
            language = detect_language(text)
        candidates = self.rank(title, text)
        wanted = max_bullets
        if wanted is None and max_tokens is None:
            wanted = self._bullet_count(len(candidates))
        picked: list[tuple[int, str, set[str]]] = []
        second_choice: list[tuple[int, str, list[str]]] = []
        used = 0
        title_words = set(tokenize(title))

        def room() -> bool:
            if wanted is not None and len(picked) >= wanted:
                return False
            return max_tokens is None or used < max_tokens

        def add(index: int, bullet: str, tokens: list[str]) -> None:
            nonlocal used
            words = set(tokens)
            if any(len(words & other) / max(1, len(words | other)) >= 0.7 for *_, other in picked):
                return
            picked.append((index, bullet, words))
            used += len(tokens)

        for candidate in self.mmr_order(candidates):
            if not room():
                break
            made = self._bullet(candidate.sentence.text, language, candidate.features.words)
            if made is None:
                continue
            bullet, tokens = made
            if bullet.endswith((":", "：")):
                continue  # introduces a list that is not part of the bullet
            if title_words and sum(t in title_words for t in tokens) >= 0.8 * len(tokens):
                continue  # repeats the headline
            if _is_question(bullet) or not candidate.sentence.terminated:
                # questions and unpunctuated lines (list items, captions) only if needed
                second_choice.append((candidate.sentence.index, bullet, tokens))
                continue
            add(candidate.sentence.index, bullet, tokens)
        floor = min(wanted, self.min_bullets) if wanted is not None else None
        for index, bullet, tokens in second_choice:
            if floor is not None and len(picked) >= floor:
                break
            if not room():
                break
            add(index, bullet.rstrip("،,;؛ "), tokens)
        return [(index, bullet) for index, bullet, _ in picked]

    def summarize(
        self,
        title: str,
        text: str,
        *,
        language: str = "ar",
        max_bullets: int | None = None,
    ) -> tuple[str, ...]:
        """3-5 bullets: sentences (or leading clauses) of the article, article order."""
        picked = self.bullets(title, text, language=language, max_bullets=max_bullets)
        return tuple(bullet for _, bullet in sorted(picked))
