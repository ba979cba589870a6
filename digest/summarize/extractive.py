"""Extractive summarizer: picks 3-5 sentences of the article as bullets.

How it chooses (tuned on one half of EASC dev, reported on the other):

1. `InclusionModel` gives each candidate sentence the probability that a human extract
   keeps it: a logistic model over position (smooth: first sentence, log position,
   relative position), length, similarity to the title (or to the lead sentence when
   untitled) and centrality (how much its words recur in the other sentences).
2. `ExtractiveSummarizer.coverage_order` then searches greedily for the sentences that
   maximise the expected ROUGE-1 F1 against such a random extract: a word's expected
   matches are clipped by how often the extract is likely to hold it. This favours
   sentences that carry the article's recurring content, and it is the redundancy
   control (a sentence repeating chosen words gains little), so no MMR step is needed.

Why not rank by the probabilities: annotators' choices beyond the first sentence are
hard to predict (features beyond position explain about 2 % more of their variance),
and ranking by such learned scores did no better than Lead; optimising the expected
overlap does, clearly at the 3-sentence budget, a little at the references' length
(numbers: ``newsdigest eval summaries``). Pure Python, about 1 ms per article
(``bench/summarize.py``).

Sentences up to 300 characters are shown whole. Longer ones become their longest leading
part cut at a comma clause or, for the long comma-less sentences of Arabic news, just
before a clause opener such as حيث / وذلك / مشيرا, but only where the cut is safe
(`digest.summarize.cutting`: no condition without its consequence, no «أنّ» without
its predicate, no outcome after «قبل أن» or exception dropped); with no safe cut the
sentence is not a bullet and another one is picked.

Bullets come out in the article's order, not by score: news sentences often lean on
what came before them (who "the company" is), so the original order reads best.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import NamedTuple, cast

from ..arabic import (
    detect_language,
    normalize,
    normalize_word,
    strip_diacritics,
    tokenize,
    tokenize_many,
)
from ..sentences import Sentence, quotes_balanced, segment
from .cutting import comma_parts, safe_leading_part
from .residue import (
    conjunction_removable,
    fact_keys,
    is_call_to_action,
    leans_on_previous,
    strip_agency_dateline,
    unhash,
)

__all__ = [
    "Candidate",
    "ExtractiveSummarizer",
    "Features",
    "InclusionModel",
    "content_tokens",
    "cut_before_clause_opener",
    "looks_like_code",
    "strip_connective",
    "strip_dateline",
]


@dataclass(frozen=True)
class InclusionModel:
    """How likely a human extract is to keep a sentence: a logistic model over its
    position, length, similarity to the headline and centrality. The coefficients were
    fit on the tune half of EASC dev by ``bench/fit_inclusion.py`` (the report half was
    not read). Position is smooth on purpose: EASC annotators' every-other-sentence
    habit is an artefact of that corpus, not of news."""

    bias: float = -0.91
    first: float = 0.56  # the lead sentence
    log_position: float = -0.12  # per log(1 + position among candidates)
    relative_position: float = -1.17  # position / number of candidates
    log_count: float = 0.0  # log(1 + number of candidates)
    length: float = 0.11  # per min(tokens, 80) / 40
    # similarity to the title (to the lead sentence when untitled); its likelihood fit,
    # not searched: EASC has no titles
    headline: float = 0.57
    centrality: float = 1.63  # how much the sentence's terms recur in the others
    # Length of the expected extract the summary is matched against, as a share of the
    # article (set by the search; EASC's references keep about a third).
    extract_share: float = 0.21
    min_tokens: int = 4  # sentences with fewer content tokens are not candidates

    def probability(self, f: Features, count: int) -> float:
        """P(a human extract keeps the sentence), for one of `count` candidates."""
        z = (
            self.bias
            + self.first * (f.rank_index == 0)
            + self.log_position * math.log1p(f.rank_index)
            + self.relative_position * f.rank_index / count
            + self.log_count * math.log1p(count)
            + self.length * min(f.tokens, 80) / 40
            + self.headline * f.headline_sim
            + self.centrality * f.centrality
        )
        return 1.0 / (1.0 + math.exp(-z))


class Features(NamedTuple):
    """What a candidate sentence's inclusion probability is computed from.
    A NamedTuple, not a dataclass: dozens are built per article and this is hot."""

    sentence: Sentence
    rank_index: int  # position among candidates
    # cosine of the sets of content terms with the title's; untitled: with the lead
    # sentence's (0 for the lead itself)
    headline_sim: float
    # for each of its content terms, the share of the other sentences holding it; mean
    centrality: float
    content_terms: int
    tokens: int  # all word tokens (for length budgets)
    words: list[str]  # the sentence's normalised tokens


class Candidate(NamedTuple):
    """A sentence with the probability that a human extract keeps it."""

    features: Features
    probability: float

    @property
    def sentence(self) -> Sentence:
        return self.features.sentence

    @property
    def tokens(self) -> int:
        return self.features.tokens


# Without a token budget (3-5 bullets), only this many of the likeliest sentences are
# searched: on EASC's tune half ROUGE-1 is the same within 0.3, at about half the cost.
_SHORTLIST = 12
_MAX_CACHED_TERMS = 200_000
# Counts beyond this are not modelled (a summary rarely repeats a word more often).
_MAX_COUNT = 12


def _tails(
    probabilities: Sequence[float], counts: Sequence[Counter[str]]
) -> dict[str, list[float]]:
    """For each word w: [P(R_w >= 1), P(R_w >= 2), ...], where R_w is how often w occurs
    in a random extract that keeps sentence i with probability p_i, independently.

    Exact for words of one sentence (most words): P(R >= k) = p up to its count. Words
    of several sentences (function words, the article's main names) get the tail of a
    Poisson law with the same mean: on EASC's tune half this scores like the exact
    Poisson-binomial sums (within 0.2 ROUGE-1) at a fraction of the cost. (The search,
    `_Coverage`, needs the tails of shared words only.)"""
    postings: dict[str, list[tuple[int, int]]] = {}
    for i, counter in enumerate(counts):
        for word, count in counter.items():
            postings.setdefault(word, []).append((i, count))
    tails = _shared_tails(
        {word: where for word, where in postings.items() if len(where) > 1}, probabilities
    )
    for word, where in postings.items():
        if len(where) == 1:
            i, count = where[0]
            tails[word] = [probabilities[i]] * count
    return tails


def _shared_tails(
    postings: dict[str, list[tuple[int, int]]], probabilities: Sequence[float]
) -> dict[str, list[float]]:
    """Poisson tails of words found in several sentences (postings: word -> [(sentence
    number, count in it), ...])."""
    tails: dict[str, list[float]] = {}
    exp = math.exp
    for word, where in postings.items():
        mean = 0.0
        total = 0
        for i, count in where:
            mean += probabilities[i] * count
            total += count
        term = exp(-mean)
        below = term
        tail: list[float] = []
        for k in range(1, min(_MAX_COUNT, total) + 1):
            if below > 0.999:
                break  # the rest of the tail is negligible: a shorter list is faster
            tail.append(1.0 - below)
            term *= mean / k
            below += term
        tails[word] = tail
    return tails


def _gain(
    items: Iterable[tuple[str, int]], have: Mapping[str, int], tails: dict[str, list[float]]
) -> float:
    """Expected extra overlap (clipped unigram matches) from adding these word counts
    to a summary that already holds `have` (absent words: none)."""
    total = 0.0
    for word, count in items:
        tail = tails.get(word)
        if tail:
            held = have.get(word, 0)
            total += sum(tail[held : held + count])
    return total


def _shortlist(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The `_SHORTLIST` likeliest candidates, in article order: what a search without a
    token budget looks at. A few bullets from a long article: the least likely sentences
    almost never win, and leaving them out roughly halves the cost."""
    if len(candidates) <= _SHORTLIST:
        return list(candidates)
    probabilities = [c.probability for c in candidates]
    # heapq.nlargest is documented as this sort (ties: the earlier sentence first);
    # the sort with a C key function is cheaper than nlargest calling a lambda
    by_probability = sorted(range(len(candidates)), key=probabilities.__getitem__, reverse=True)
    return [candidates[i] for i in sorted(by_probability[:_SHORTLIST])]


class _Coverage:
    """The search's state: each candidate's expected gain in clipped unigram overlap if
    it were added now, kept up to date as sentences are chosen.

    A word found in one sentence only adds p_i per occurrence to that sentence's gain,
    whatever else is chosen, so only words shared by sentences need tails and updates
    (choosing a sentence changes the gains of just the candidates sharing its words)."""

    def __init__(self, texts: Sequence[Sequence[str]], probabilities: Sequence[float]) -> None:
        self.texts = texts
        self.probabilities = probabilities
        self.counters = counters = [Counter(w) for w in texts]
        seen: set[str] = set()
        shared: set[str] = set()
        for counter in counters:
            # in-place set methods keep this in C; `seen |= counter.keys()` would copy
            # the growing set on every sentence
            shared.update(seen.intersection(counter))
            seen.update(counter)
        self.shared = shared
        self.shared_in = [shared.intersection(counter) for counter in counters]
        postings: dict[str, list[tuple[int, int]]] = {word: [] for word in shared}
        for i, (counter, words) in enumerate(zip(counters, self.shared_in, strict=True)):
            for word in words:
                postings[word].append((i, counter[word]))
        self.postings = postings
        self.tails = tails = _shared_tails(postings, probabilities)
        # shared words' counts in the summary so far (a dict, not a Counter: `get` runs
        # in C, a Counter's missing key calls Python's __missing__)
        self.have: dict[str, int] = {}
        self.gains: list[float] = []
        for i, (counter, words) in enumerate(zip(counters, self.shared_in, strict=True)):
            gain = 0.0
            single = len(texts[i])
            for word in words:
                count = counter[word]
                single -= count
                tail = tails[word]
                # most shared words occur once in a sentence: skip the slice and sum
                gain += tail[0] if count == 1 and tail else sum(tail[:count])
            self.gains.append(gain + probabilities[i] * single)

    def prefix_gain(self, i: int, tokens: int) -> float:
        """The gain of only the first `tokens` tokens of candidate i."""
        part = Counter(self.texts[i][:tokens])
        shared = [(word, n) for word, n in part.items() if word in self.shared]
        single = sum(part.values()) - sum(n for _, n in shared)
        return _gain(shared, self.have, self.tails) + self.probabilities[i] * single

    def choose(self, chosen: int) -> None:
        """Add candidate `chosen` to the summary and update the others' gains."""
        have, gains, tails, postings = self.have, self.gains, self.tails, self.postings
        counter = self.counters[chosen]
        for word in self.shared_in[chosen]:
            added = counter[word]
            held = have.get(word, 0)
            have[word] = now = held + added
            tail = tails[word]
            size = len(tail)
            if held >= size:
                continue  # the word's expected matches are used up already
            # what a sentence holding the word once loses (most postings): computed once
            once = tail[held] - (tail[now] if now < size else 0.0)
            for i, count in postings[word]:
                if count == 1:
                    gains[i] -= once
                else:
                    gains[i] -= sum(tail[held : held + count]) - sum(tail[now : now + count])


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
# A line of share-button names only. Linear: one \W run before the first name and one
# after each name, every run taken whole (possessive: every name starts with a letter, so
# giving back separators can never help), and no name is a prefix of another one that
# could follow it. (The former `(?:\W*(?:names)\W*)+` split each run of separators
# between two adjacent \W* in every possible way: 'x - ' * 13 + 'y' took 20 s.)
_SOCIAL = re.compile(
    r"^\W*+(?:(?:فيسبوك|فيس بوك|تويتر|واتساب|واتس اب|تيليجرام|تلغرام|لينكد\s?إن|إكس|"
    r"facebook|twitter|whatsapp|telegram|linkedin|email|print|طباعة|مشاركة|x)\W*+)++$",
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
) | _wordset(
    # The words most often found after a sentence's leading و in ANT's news items,
    # picked by hand: "وذكرت" -> "ذكرت", "ووصف" -> "وصف". A word whose own first letter
    # is و ("وصف" = و + "صف", "وردت", "واصل") stays whole, as its rest is not listed.
    # "وبذلك", "ولهذا" are left out: they need the previous sentence, و or not; "أدى",
    # "لدى" too: they are matched without hamza or ى, as "وادي" (valley), "ولدي" (my son).
    """
    ذكرت نقلت ذكر تابع رغم خلال وفقا كشفت نشرت وصف إذا كتب كشف سجل صرح شدد يبدو يعتقد اعتبر سبق
    نشر ارتفع فيما عندما عبر لفت تحدث حول نقل تابعت كتبت تقدم يواجه شارك فاز بينما تظهر اعتبرت
    هناك تعمل اتهم رفع رفض وصفت تراجع ارتفعت نفى سجلت سيكون تسعى تراجعت طالب يمثل حذر دعا
    ظهر يتوقع وقع تشهد بالنسبة وصل قتل توقع انخفض زاد يسعى تعرض حصل علق نجح ستكون انخفضت اتهمت
    بموجب يذكر رأى قام جرى تحدثت ليس بحلول يعود دعت اختتم لعب انضم تهدف بما وجد حصلت انتقد
    يظهر ظهرت يشارك تتهم يأمل عاد تقوم زادت اعترف حقق تعرضت رفعت عرض قدم رفضت تعود وجدت تمثل
    حاول أدت تشمل توصلت لعل وجه يقدم عادة قامت تضم تتضمن شددت يوضح تتوقع ينصح وجهت تخطط طلب
    طالبت تعهد هبط هبطت يعرف يروي ختم يعمل يحتل تلقت تطرق اختار تبين تواجه ربما فازت حققت واصل
    تضمنت توضح عقب سوف تسبب شملت تشكل توصل علقت يعيش قرر يؤدي يلعب طلبت رجح افتتح ينفي اكتشف هدد
    نفت تستهدف صعد يشكل دفع تعتمد يتصدر بالرغم يعني قاد تلقى يوم قررت تأمل يرجع لفتت يتم تفيد
    خلصت نزل خسر تقدر فرضت حذرت تجري تدور وقعت عبرت اعترفت تمتلك مضى غرد يعتمد تجمع توقعت يسمح
    تضمن وفق يستطيع تحاول درس يحمل فحص يستخدم نبهت عثر يكفي يهدف يكشف يصف اكتشفت تركز تريد
    تستخدم تعرف تكمن بينت حكم تعاني حذف يساعد يتيح حظيت طور تتيح يبحث يطلق رجحت يؤثر اعتمد اعتمدت
    تطلب باستخدام جمع شرح تطور يحتوي حسبما تتبع خضعت استخدم بحسب"""
)
# و before an imperfect verb of the third person masculine ("ويعاني", "ويتجه"), or a
# future ("وسيأتي", "وستتيح"): the letter after ي is one that transliterated names
# beginning with وي (ويليام، ويندوز، ويكي) never have, or ر/ب/س with at least four
# letters after و (ويبر، ويست are three), and «وسيلة»,
# «وسيط», «وسيم» are no futures.
_CONJUNCTION_BEFORE_VERB = re.compile(
    r"^(?:ي[تشعحضوقجدذزطظغفمهأإخثص]\w{2,}|ي[ربس]\w{2,}|س[يت]\w{3,})$"
)
_NOT_CONJUNCTION_BEFORE_VERB = _wordset(
    "سيلة سيله سيلتها سيلته سيلتين سيط سيطة سيطه سيطا سيم سيمة سيمه"
)
_AR_NOT_CONJUNCTION_AL = _wordset("والد والدة والده والدته والدها والي والتر فالنسيا")
# Openings that only make sense after the previous sentence ("مما يعني ...", "وهو ما
# ..."): such sentences are bullets only when nothing else is left. ("أما" is not
# stripped either: "أما X فـ..." needs both halves.)
_DEPENDENT_START = re.compile(
    "^(?:"
    + "|".join(
        re.escape(normalize(p))
        for p in (
            *("مما", "ومما", "ما يعني", "الأمر الذي", "أما", "وأما"),
            *("التي", "الذي", "الذين", "اللذين", "اللتين", "والتي", "والذي", "والذين"),
            *("إذ", "حيث"),  # "since", "where": the clause it explains came before
            *("وهو ما", "هو ما", "وهذا ما", "هذا ما", "وهي ما", "هي ما"),
            # "thereby", "for this": the result or reason of what came before
            *("بذلك", "وبذلك", "بهذا", "وبهذا", "بهذه", "وبهذه", "لهذا", "ولهذا"),
        )
    )
    + ")(?= )"
)
_KAMA = frozenset(normalize(w) for w in ("كما", "وكما"))
# After these, "كما" means "as" ("كما هو الحال", "كما قال الوزير"), not "also"
_AFTER_KAMA_AS = _wordset(
    normalize(
        """هو هي هم هن في لو يلي ذكر ذكرت ذكرنا قال قالت يقول تقول كان كانت نعلم يعلم
        تعلم أشرنا أشار أشارت سبق جاء جاءت"""
    )
)
_AR_PHRASE_WORDS = {normalize(p): len(p.split()) for p in _AR_LEADING_PHRASES}
# longest phrase first, so that "كما أن" wins over "كما"
_AR_PHRASE_START = re.compile(
    "^("
    + "|".join(re.escape(k) for k in sorted(_AR_PHRASE_WORDS, key=len, reverse=True))
    + ")(?=[ ،,])"
)
_AR_PHRASE_FIRST_WORDS = frozenset(phrase.split(" ", 1)[0] for phrase in _AR_PHRASE_WORDS)
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
        published article تابعوا شاهدوا حملوا اشتركوا ادخلوا سجلوا اضغطوا انقروا تابع حمل
        download"""
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
# Last words of a sentence that announces a list it does not hold ("... الخطوات التالية.",
# "... كما يلي"), normalised: such a sentence is no bullet, with or without its colon.
_LIST_INTRO_ENDINGS = frozenset(
    tokenize("التالية التالي التاليين كالتالي الآتي الآتية كالآتي يلي يأتي following below")
)


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


def clause_opener_parts(sentence: str, max_chars: int) -> list[str]:
    """Leading parts of an Arabic sentence that end just before a clause opener (حيث,
    وذلك, مشيرا ...) and fit max_chars with their full stop."""
    out: list[str] = []
    for match in _CLAUSE_OPENER.finditer(sentence, 0, max_chars):
        candidate = sentence[: match.start()].rstrip("،؛,;: ") + "."
        if len(candidate) > max_chars:
            break
        out.append(candidate)
    return out


def _tokens_after_edit(sentence: str, words: list[str], edited: str) -> list[str]:
    """`tokenize(edited)`, reusing `words` (the sentence's tokens) when only the start
    of the sentence was changed (a connective dropped): tokens never span a space, so
    what follows the changed first word keeps its tokens."""
    head, space, tail = edited.partition(" ")
    if space and sentence.endswith(" " + tail):
        # both short pieces in one normalisation pass (it costs as much as the tokens)
        dropped, head_words = tokenize_many([sentence[: len(sentence) - len(tail)], head])
        return head_words + words[len(dropped) :]
    return tokenize(edited)


_CODE_MARK = re.compile(r"==|=>|//|\(\)|;\s|[{}]")
_CODE_CHARS = frozenset("=;{}[]()<>|$")


def looks_like_code(text: str) -> bool:
    """A line of program code (tutorials in tech feeds), not a sentence to summarise."""
    # every alternative of the pattern holds one of these characters: six substring
    # tests are much cheaper than the regex scan, and most sentences hold none
    if not ("=" in text or "/" in text or "(" in text or ";" in text or "{" in text or "}" in text):
        return False
    if not _CODE_MARK.search(text):
        return False
    symbols = sum(1 for ch in text if ch in _CODE_CHARS)
    return symbols >= 4 and symbols >= 0.04 * len(text)


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
    """Share buttons, "read also" links, copyright lines, editor's notes, calls to
    action and app promos."""
    bare = strip_diacritics(text)
    return (
        bool(_BOILERPLATE.search(bare))
        or bool(_SOCIAL.match(bare.strip()))
        or is_call_to_action(bare)
    )


# A news dateline before the first sentence: "دمشق، سوريا (CNN) -- ", "المدينة نيوز :- ".
# Only the unambiguous separators ("--", ":-"): a single dash or colon is often text.
_DATELINE = re.compile(r"^[^\n!?؟:]{2,60}?\s*(?:--|:\s*-)\s*(?=\S)")


def strip_dateline(text: str) -> str:
    """Remove a leading dateline ("دمشق (CNN) -- ...") from a sentence."""
    if "--" not in text[:64] and ":-" not in text[:64] and ": -" not in text[:64]:
        return text
    stripped = _DATELINE.sub("", text, count=1)
    return stripped if len(stripped.split()) >= 4 else text


def _may_open_with_phrase(first: str) -> bool:
    """Whether `_AR_PHRASE_START` may match the normalised start of a text whose first
    word (what precedes its first space) is `first`. Normalising works character by
    character and a space starts a new normalisation segment, so the normalised text
    begins with the normalised word and a space: unless that word begins a phrase (or
    holds a separator of its own), no phrase matches. One word is normalised much
    faster than the 60 characters the pattern reads, and most sentences fail here."""
    if len(first) >= 60:
        return True  # the 60 characters end inside the word
    folded = normalize_word(first)
    return folded in _AR_PHRASE_FIRST_WORDS or " " in folded or "،" in folded or "," in folded


def strip_connective(text: str, language: str = "ar", article_words: Collection[str] = ()) -> str:
    """Remove a leading connective ("و", "كما", "ولكن", "However,") that makes the
    sentence depend on the previous one. Returns the text unchanged when unsure.
    `article_words` (the article's normalised tokens): a leading و/ف is also dropped
    when what follows it is a word the article uses on its own ("ويشمل" when the
    article has "يشمل"), unless the letter is the word's own ("فتحت", "وحدة")."""
    if language != "ar":
        stripped = _EN_LEADING.sub("", text, count=1)
        if stripped != text and stripped:
            return stripped[0].upper() + stripped[1:]
        return text
    first, _, rest = text.partition(" ")
    phrase = _AR_PHRASE_START.match(normalize(text[:60])) if _may_open_with_phrase(first) else None
    if phrase:
        words = _AR_PHRASE_WORDS[phrase.group(1)]
        parts = text.split(maxsplit=words)
        if len(parts) > words and not (
            # "كما هو الحال", "كما قال": "as", not "also" - the rest needs it
            phrase.group(1) in _KAMA
            and normalize_word(parts[words].split(maxsplit=1)[0]) in _AFTER_KAMA_AS
        ):
            return parts[words].lstrip("،, ").strip()
    if not rest:
        return text
    if first in {"و", "ف"} and len(rest.split()) >= 4:
        return strip_connective(rest, language)  # the conjunction typed apart: "و في"
    if first[:1] == "و" and first[1:2] in {'"', "«", "“"} and len(first) > 3:
        return text[1:]  # 'و"البروبيوتيك" ...': the conjunction glued to a quote
    if first == "هذا" and rest[:1] == "و" and len(rest.split()) >= 4:
        # "هذا وارتفعت ...", "هذا وقد ...": a newswire formula joining to what came before
        return strip_connective(rest, language, article_words) if rest[1:2] != " " else text
    bare = first.strip("،,")
    if len(bare) > 1 and bare[0] in "وف":
        remainder = bare[1:]
        folded_remainder = normalize_word(remainder)
        # What is left without the letter: the first word keeps a comma after it.
        dropped = f"{first.lstrip('،,')[1:]} {rest}"
        # "وتتراوح", "وتشمل": و before an imperfect verb of the third person feminine
        # (no common word begins with وت but "وتيرة" and "وتر")
        if (
            bare[0] == "و"
            and remainder[:1] == "ت"
            and len(remainder) >= 3
            and not folded_remainder.startswith("تير")
            and folded_remainder not in {"تر", "تري", "تره", "ترا"}
        ):
            return dropped
        if (
            bare[0] == "و"
            and _CONJUNCTION_BEFORE_VERB.match(remainder)
            and remainder not in _NOT_CONJUNCTION_BEFORE_VERB
            and not remainder.startswith("ستمنستر")
        ):
            return dropped
        # (remainders are matched without hamza: "والي", a governor, is not "وإلى")
        if folded_remainder in _AR_SAFE_REMAINDERS and bare not in _AR_NOT_CONJUNCTION_AL:
            return dropped
        if (
            bare[0] == "و"
            and folded_remainder.startswith("ال")
            and len(folded_remainder) >= 4
            and normalize_word(bare) not in _AR_NOT_CONJUNCTION_KEYS
        ):
            return dropped
        # "وأظهرت", "وأشار": hamzated perfect verbs after the conjunction
        if bare[0] == "و" and remainder[:1] in {"أ", "إ"} and len(remainder) >= 4:
            return dropped
        # "ولتفعيل", "وللمرة": the conjunction before the preposition لـ (no word of its
        # own begins with ولل or ولت)
        if bare[0] == "و" and remainder.startswith(("لل", "لت")) and len(remainder) >= 5:
            return dropped
        if article_words and conjunction_removable(normalize_word(bare), article_words):
            return dropped
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


class _ArticleWords(Collection[str]):
    """The article's normalised tokens as a set, built on first use: most articles'
    bullets never ask (only a leading و/ف that no rule settles does)."""

    def __init__(self, candidates: Sequence[Candidate]) -> None:
        self._candidates = candidates
        self._words: set[str] | None = None

    def _set(self) -> set[str]:
        if self._words is None:
            self._words = set(chain.from_iterable(c.features.words for c in self._candidates))
        return self._words

    def __contains__(self, word: object) -> bool:
        return word in self._set()

    def __iter__(self) -> Iterator[str]:
        return iter(self._set())

    def __len__(self) -> int:
        return len(self._set())

    def __bool__(self) -> bool:
        return bool(self._candidates)


# A figure of a headline: digits, with decimals ("1.5", "42")
_TITLE_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def _straight_quotes(text: str) -> str:
    """Curly double quotes turned the wrong way ('”Galaxy Note 9”') made straight, so
    that they pair up; other text is returned as it is."""
    if quotes_balanced(text) or not ("”" in text or "“" in text):
        return text
    return text.replace("”", '"').replace("“", '"')


def _looks_like_verse(text: str) -> bool:
    """Most of the first lines are short and end without a stop: a poem or a list of
    captions, whose lines the splitter joins into one long unterminated sentence."""
    lines = [line.strip() for line in text[:4000].splitlines() if line.strip()][:20]
    if len(lines) < 4:
        return False
    short = sum(1 for line in lines if len(line) <= 80 and not line.endswith(_STOPS))
    return short >= 0.7 * len(lines)


_STOPS = (".", "!", "?", "؟", "…")


class ExtractiveSummarizer:
    """The default summarizer (digest.ports.Summarizer). Never raises on odd text."""

    name = "extractive"

    def __init__(
        self,
        model: InclusionModel | None = None,
        *,
        min_bullets: int = 3,
        max_bullets: int = 5,
        max_chars: int = 300,
    ) -> None:
        self.model = model or InclusionModel()
        self.min_bullets = min_bullets
        self.max_bullets = max_bullets
        self.max_chars = max_chars
        # token -> scoring term ("" for stopwords): a plain dict is several times cheaper
        # per token than the lru_cache behind _content_term, and this runs per token
        self._terms: dict[str, str] = {}

    # -- ranking ----------------------------------------------------------------------

    def features(self, title: str, text: str) -> list[Features]:
        """Candidate sentences of the article with their features, in article order.
        Headings, boilerplate, duplicates and tiny sentences are left out."""
        sentences = [s for s in segment(text) if not s.heading]
        symbols = _may_be_boilerplate(text)
        seen: set[tuple[str, ...]] = set()
        kept: list[tuple[Sentence, set[str], list[str], int]] = []
        token_lists = tokenize_many([s.text for s in sentences])
        # the scoring terms of all the article's tokens in one pass through the term
        # cache (per sentence, the calls would cost more than the lookups)
        token_terms = self._terms_of(list(chain.from_iterable(token_lists)))
        end = 0
        for sentence, words in zip(sentences, token_lists, strict=True):
            start, end = end, end + len(words)
            key = tuple(words)
            if key in seen:
                continue
            if (symbols or not _BOILERPLATE_TOKENS.isdisjoint(words)) and is_boilerplate(
                sentence.text
            ):
                continue
            seen.add(key)
            content = list(filter(None, token_terms[start:end]))
            kept.append((sentence, set(content), words, len(content)))
        informative = [k for k in kept if k[3] >= self.model.min_tokens]
        # short texts: rather short sentences than fewer than min_bullets
        kept = (
            informative if len(informative) >= self.min_bullets else [k for k in kept if k[3] >= 2]
        )
        if not kept:
            return []
        count = len(kept)
        df = Counter(chain.from_iterable(map(itemgetter(1), kept)))
        others = max(1, count - 1)
        untitled = not title.strip()
        headline = kept[0][1] if untitled else set(content_tokens(title))
        out: list[Features] = []
        for index, (sentence, terms, words, n_terms) in enumerate(kept):
            size = len(terms)
            # share of the other sentences that hold each of its terms, on average
            central = (sum(map(df.__getitem__, terms)) - size) / (others * size) if size else 0.0
            common = len(terms & headline)
            similar = common / math.sqrt(size * len(headline)) if size and headline else 0.0
            out.append(
                Features(
                    sentence,
                    index,
                    0.0 if untitled and index == 0 else similar,
                    central,
                    n_terms,
                    len(words),
                    words,
                )
            )
        return out

    def _terms_of(self, words: list[str]) -> list[str]:
        """The scoring term of each token ("" for stopwords), through the term cache."""
        terms = self._terms
        found: list[str | None] = list(map(terms.get, words))
        if None in found:
            if len(terms) > _MAX_CACHED_TERMS:
                terms.clear()  # a bot runs for months: keep the cache bounded
            for position, (word, term) in enumerate(zip(words, found, strict=True)):
                if term is None:
                    found[position] = terms[word] = _content_term(word)
        return cast(list[str], found)  # no None is left

    def rank(self, title: str, text: str) -> list[Candidate]:
        """Candidates with their inclusion probabilities, in article order."""
        features = self.features(title, text)
        count = len(features)
        return [Candidate(f, self.model.probability(f, count)) for f in features]

    def coverage_order(
        self,
        candidates: Sequence[Candidate],
        *,
        words: Sequence[Sequence[str]] | None = None,
        max_tokens: int | None = None,
        accept: Callable[[int], bool] | None = None,
        article_tokens: int | None = None,
    ) -> Iterator[int]:
        """Indexes into `candidates`, lazily, in the order a greedy search adds them to
        maximise the summary's expected ROUGE-1 F1 against a human extract that keeps
        each sentence with its probability (`InclusionModel`).

        Overlap is clipped per word, so a sentence repeating what is already chosen
        gains little: this is the redundancy control (no separate MMR step), and a
        sentence made of the article's recurring words gains more than one of rare
        details. `words` are what each candidate contributes (default: the sentence's
        tokens; bullets pass their cut text). With `max_tokens`, candidates are ranked
        by expected overlap per token and the last one counts only up to the budget.
        `accept` may turn the search's pick down (it is then dropped without counting
        as chosen, and the search goes on). `article_tokens`: the article's length when
        `candidates` are only part of it (it sets the expected extract's length)."""
        if not candidates:
            return
        expected_extract = (
            max_tokens
            if max_tokens is not None
            else self.model.extract_share
            * (
                article_tokens
                if article_tokens is not None
                else sum(c.features.tokens for c in candidates)
            )
        )
        texts = words if words is not None else [c.features.words for c in candidates]
        coverage = _Coverage(texts, [c.probability for c in candidates])
        lengths = [len(w) for w in texts]
        overlap = 0.0
        used = 0
        gains = coverage.gains  # updated in place by coverage.choose
        remaining = [i for i in range(len(candidates)) if lengths[i]]
        while remaining:
            best_position, best_value = -1, -math.inf
            room = max_tokens - used if max_tokens is not None else 0
            for position, i in enumerate(remaining):
                size = lengths[i]
                if max_tokens is None:
                    value = (overlap + gains[i]) / (used + size + expected_extract)
                elif size <= room:
                    value = gains[i] / size
                else:  # only the part within the budget counts
                    fits = max(1, room)
                    value = coverage.prefix_gain(i, fits) / fits
                if value > best_value:
                    best_position, best_value = position, value
            best = remaining.pop(best_position)
            if accept is not None and not accept(best):
                continue
            yield best
            overlap += gains[best]
            used += lengths[best]
            coverage.choose(best)

    def pick(
        self,
        candidates: Sequence[Candidate],
        *,
        max_sentences: int | None = None,
        max_tokens: int | None = None,
    ) -> list[Candidate]:
        """The search's picks among `candidates` (all of an article's), best first,
        within a budget of sentences and/or word tokens (the last one may cross the
        token budget). Without a token budget only the likeliest are searched."""
        article_tokens = sum(c.features.tokens for c in candidates)
        pool = _shortlist(candidates) if max_tokens is None else list(candidates)
        chosen: list[Candidate] = []
        used = 0
        for i in self.coverage_order(pool, max_tokens=max_tokens, article_tokens=article_tokens):
            if max_sentences is not None and len(chosen) >= max_sentences:
                break
            if max_tokens is not None and used >= max_tokens:
                break
            chosen.append(pool[i])
            used += pool[i].tokens
        return chosen

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
        chosen = self.pick(
            self.rank(title, text), max_sentences=max_sentences, max_tokens=max_tokens
        )
        if article_order:
            chosen.sort(key=lambda c: c.sentence.index)
        return [c.sentence for c in chosen]

    # -- bullets ----------------------------------------------------------------------

    def _bullet(
        self,
        sentence: str,
        language: str,
        words: list[str] | None = None,
        article_words: Collection[str] = (),
    ) -> tuple[str, list[str]] | None:
        """The sentence made readable on its own, with its tokens; None if it can't be.
        `words` are the sentence's tokens when known (reused if the text is unchanged);
        `article_words` the article's tokens (see `strip_connective`)."""
        text = strip_connective(
            strip_agency_dateline(strip_dateline(sentence)), language, article_words
        )
        if "#" in text or "_" in text:
            # "#الأخبار_المضللة" reads "الأخبار المضللة" ("C#", "snake_case" stay)
            text = unhash(text)
        balanced = quotes_balanced(text)
        if not balanced:
            text = _fix_edge_quotes(text)
        if len(text) <= self.max_chars:
            shortened: str | None = text
        else:
            # the longest leading part that is a complete statement and whose dropped
            # rest changes nothing it says (digest.summarize.cutting); none: no bullet
            parts = comma_parts(text, self.max_chars)
            if language == "ar":
                parts += clause_opener_parts(text, self.max_chars)
            shortened = safe_leading_part(text, self.max_chars, parts)
        if shortened is None:
            return None
        # most sentences are kept whole and were balanced already: no second check
        if not (balanced and shortened is text) and not quotes_balanced(shortened):
            return None
        if words is None:
            words = tokenize(shortened)
        elif shortened != sentence:
            words = _tokens_after_edit(sentence, words, shortened)
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

    @staticmethod
    def _anchor_lead(
        candidates: Sequence[Candidate],
        picked: list[tuple[int, str, set[str]]],
        made: dict[int, tuple[str, list[str]]],
        usable: Callable[[int], bool],
        add: Callable[[int, str, list[str]], None],
        wanted: int | None,
    ) -> None:
        """Keep the lead: news puts the news itself in its first sentence, and a reader
        misses it more than any other. When the search left out the article's first
        candidate and it makes a plain bullet (not a question, a teaser or a sentence
        leaning on another), it takes the place of the search's last pick."""
        lead = candidates[0]
        if lead.features.rank_index != 0 or any(i == lead.sentence.index for i, *_ in picked):
            return
        if 0 not in made and not usable(0):
            return
        facts = fact_keys(made[0][0])
        # a bullet telling the lead's fact again gives way to the lead
        clash = [k for k, (_, shown, _) in enumerate(picked) if facts & fact_keys(shown)]
        if clash:
            dropped: tuple[int, str, set[str]] | None = picked.pop(clash[0])
        elif wanted is not None and len(picked) >= wanted:
            dropped = picked.pop()
        else:
            dropped = None
        before = len(picked)
        add(lead.sentence.index, *made[0])
        if len(picked) == before and dropped is not None:
            picked.append(dropped)  # the lead repeats a bullet: keep the search's pick

    @staticmethod
    def _anchor_title_numbers(
        title: str,
        candidates: Sequence[Candidate],
        picked: list[tuple[int, str, set[str]]],
        made: dict[int, tuple[str, list[str]]],
        usable: Callable[[int], bool],
        add: Callable[[int, str, list[str]], None],
        wanted: int | None,
    ) -> None:
        """The headline's figures («42 %», «90 دقيقة») in the bullets: for a number of
        the title that no bullet gives, the first plain bullet holding it takes the
        place of the search's last pick (never the lead's)."""
        lead_index = candidates[0].sentence.index
        for number in dict.fromkeys(_TITLE_NUMBER.findall(title)):
            holds = re.compile(rf"(?<![\d.,]){re.escape(number)}(?![\d]|[.,]\d)")
            if any(holds.search(bullet) for _, bullet, _ in picked):
                continue
            taken = {index for index, _, _ in picked}
            for i, candidate in enumerate(candidates):
                if candidate.sentence.index in taken or not holds.search(candidate.sentence.text):
                    continue
                if i not in made and not usable(i):
                    continue
                if not holds.search(made[i][0]):
                    continue  # the figure was in the part a cut left out
                dropped = None
                if wanted is not None and len(picked) >= wanted:
                    last = max(
                        (k for k, (index, _, _) in enumerate(picked) if index != lead_index),
                        default=None,
                    )
                    if last is None:
                        return
                    dropped = picked.pop(last)
                before = len(picked)
                add(candidate.sentence.index, *made[i])
                if len(picked) == before and dropped is not None:
                    picked.append(dropped)
                break

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
        article_tokens = sum(c.features.tokens for c in candidates)
        article_words = _ArticleWords(candidates)
        wanted = max_bullets
        if wanted is None and max_tokens is None:
            wanted = self._bullet_count(len(candidates))
        if max_tokens is None:
            candidates = _shortlist(candidates)  # long sentences are cut only for these
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
            facts = fact_keys(bullet) if picked else frozenset()
            for _, shown, other in picked:
                common = len(words & other)
                # Jaccard similarity; the union's size from the sizes (no third set)
                if common / max(1, len(words) + len(other) - common) >= 0.7:
                    return
                if facts and not facts.isdisjoint(fact_keys(shown)):
                    return  # the same quantity or quotation: one fact told twice
            picked.append((index, bullet, words))
            used += len(tokens)

        made: dict[int, tuple[str, list[str]]] = {}
        cut: dict[int, tuple[str, list[str]] | None] = {}
        # A long sentence is worth what its bullet shows: its cut leading clause.
        # Other bullets are made as the search reaches them (only a few are needed).
        words: list[list[str]] = []
        for i, candidate in enumerate(candidates):
            if len(candidate.sentence.text) > self.max_chars:
                shown = self._bullet(
                    candidate.sentence.text, language, candidate.features.words, article_words
                )
                cut[i] = shown
                words.append(shown[1] if shown is not None else [])
            else:
                words.append(candidate.features.words)

        def usable(i: int) -> bool:
            """Make the bullet. List introductions, code and headline repeats are
            refused; questions, unpunctuated lines (list items, captions) and sentences
            that lean on the previous one are put aside as second choices."""
            candidate = candidates[i]
            bullet = (
                cut[i]
                if i in cut
                else self._bullet(
                    candidate.sentence.text, language, candidate.features.words, article_words
                )
            )
            if bullet is None:
                return False
            text, tokens = bullet
            if text.endswith((":", "：")) or (tokens and tokens[-1] in _LIST_INTRO_ENDINGS):
                return False  # introduces a list that is not part of the bullet
            if looks_like_code(text):
                return False  # a line of a program (tutorials in tech feeds)
            if title_words and sum(t in title_words for t in tokens) >= 0.8 * len(tokens):
                return False  # repeats the headline
            if (
                _is_question(text)
                or not candidate.sentence.terminated
                or _DEPENDENT_START.match(" ".join(tokens[:3]))
                or leans_on_previous(text, tokens[0] if tokens else "")
            ):
                second_choice.append((candidate.sentence.index, text, tokens))
                return False
            made[i] = (text, tokens)
            return True

        for i in self.coverage_order(
            candidates,
            words=words,
            max_tokens=max_tokens,
            accept=usable,
            article_tokens=article_tokens,
        ):
            if not room():
                break
            add(candidates[i].sentence.index, *made[i])
        if max_tokens is None and candidates:
            self._anchor_lead(candidates, picked, made, usable, add, wanted)
            if any(ch.isdigit() for ch in title):
                self._anchor_title_numbers(title, candidates, picked, made, usable, add, wanted)
        floor = min(wanted, self.min_bullets) if wanted is not None else None
        for index, bullet, tokens in second_choice:
            if floor is not None and len(picked) >= floor:
                break
            if not room():
                break
            add(index, bullet.rstrip("،,;؛ "), tokens)
        if not picked and max_tokens is None:
            # nothing passed the checks (one sentence with odd quote marks, say): the
            # first sentences as written, whole, rather than a bare title
            for candidate in candidates:
                whole = _straight_quotes(
                    strip_agency_dateline(strip_dateline(candidate.sentence.text))
                )
                if (
                    len(whole) <= self.max_chars
                    and quotes_balanced(whole)
                    and not looks_like_code(whole)
                    and room()
                ):
                    add(candidate.sentence.index, whole, tokenize(whole))
        return [(index, bullet) for index, bullet, _ in picked]

    def summarize(
        self,
        title: str,
        text: str,
        *,
        language: str = "ar",
        max_bullets: int | None = None,
    ) -> tuple[str, ...]:
        """3-5 bullets: sentences (or leading clauses) of the article, article order.
        A text without sentences to pick (a poem, a gallery's captions) gets its first
        lines as written, so that it is never posted as a bare title."""
        picked = self.bullets(title, text, language=language, max_bullets=max_bullets)
        if not picked or (len(picked) < self.min_bullets and _looks_like_verse(text)):
            # verse: its lines, not a run of lines that the splitter joined
            return self._first_lines(text, max_bullets or self.min_bullets) or tuple(
                bullet for _, bullet in sorted(picked)
            )
        return tuple(bullet for _, bullet in sorted(picked))

    def _first_lines(self, text: str, count: int) -> tuple[str, ...]:
        """Up to `count` first lines of the text (boilerplate, code and lines over
        max_chars left out; short fragments of under three words too)."""
        lines: list[str] = []
        for line in text[: 40 * self.max_chars].splitlines():
            line = " ".join(line.split())
            if len(lines) >= count:
                break
            if (
                len(tokenize(line)) < 3
                or len(line) > self.max_chars
                or not quotes_balanced(line)
                or looks_like_code(line)
                or is_boilerplate(line)
            ):
                continue
            lines.append(line)
        return tuple(lines)
