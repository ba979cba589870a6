"""Sentences that lean on a sentence not shown, found from the sentence itself and at
most the one right before it (issue #13: self-contained bullets, no distortion). Kept
apart from connectives.py (the openings dropped by rule) and dependent.py (the
openings that lean on the sentence before, read from the bullet's own words), whose
tests `leans_back` gathers with this module's own.

- `leans_back`: the bullet's own words lean on the sentence before it, every test of
  this module, dependent.py and residue.py that reads only the bullet (the one test the
  bullet maker and the search share).
- `background_goes_on`: `continues_background` for a candidate and the candidate right
  before it (`candidate_before`).
- `continues_background`: a sentence that goes on with a dated background passage
  («وكان القراصنة استخدموا في 28 مايو 2016 …» then «واستمرت عملية السرقة من السبت إلى
  الاثنين …») tells the old event; shown without the sentence that dates it, it reads
  as the article's news.
- `the_matter_leans`: «الأمر» ("the matter") among the opening words is what a sentence
  before told («وعادة ما يكون الأمر غير مؤلم …»).
- `back_period`: «خلال هذه الفترة»، «بعدها»، «فهذه …» among the opening words: the time
  or thing a sentence before told.
- `opens_against_before`: «في المقابل، …», «بالمقابل، …», «كما يتضح، …»: set against or
  drawn from what a sentence before said.
- `but_what_happened`: «لكن ما ظهر في الترجمة أن …»: the turn of a story whose start a
  sentence before told.
- `surname_subject`: «حاول باراكيلاس التوقف …»: a person by surname alone, introduced
  in full by a sentence before (references.first_ungrounded decides whether one is)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..arabic import normalize_word
from .dependent import depends_on_previous
from .lexicon import conjunction_lexicon
from .residue import leans_on_previous, quote_leans_back
from .scoring import STOPWORDS, Candidate, stem_token

__all__ = [
    "back_period",
    "background_goes_on",
    "but_what_happened",
    "candidate_before",
    "continues_background",
    "leans_back",
    "may_continue",
    "opens_against_before",
    "surname_subject",
    "the_matter_leans",
]

# «وكان …», «كانت …», «وفي عام …»: the openings of a background sentence (the pluperfect
# of news Arabic, a fronted year)
_BACKGROUND_OPENINGS = ("وكان ", "وكانت ", "كان ", "كانت ", "وفي عام ", "في عام ")
# a year of the last two centuries, the date that makes the passage background
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
# «و» + these open no continuation of the story: a new time, place or aside
_NOT_CONTINUING = frozenset(
    normalize_word(w)
    for w in (
        *("في", "من", "على", "عن", "إلى", "مع", "بعد", "قبل", "خلال", "منذ", "عند"),
        *("حسب", "بحسب", "وفق", "وفقا", "طبقا", "بينما", "فيما", "يذكر", "يشار", "تجدر"),
        *("أن", "إن", "لكن", "هذا", "هذه", "هو", "هي", "تأتي", "تعد"),
        # verbs of saying and reporting: the article's source speaking now
        # («وقال موقع يوتيوب إنه …» after «وفي عام 2015، اشتكت …», BB-technology-26)
        *("قال", "قالت", "ذكر", "ذكرت", "أعلن", "أعلنت", "كشف", "كشفت", "أضاف", "أضافت"),
        *("أكد", "أكدت", "أوضح", "أوضحت", "أشار", "أشارت", "صرح", "صرحت", "نقل", "نقلت"),
        *("أفاد", "أفادت", "تابع", "تابعت", "لفت", "لفتت", "رأى", "رأت", "اعتبر", "اعتبرت"),
    )
)


def may_continue(sentence: str) -> bool:
    """`continues_background`'s test of the sentence alone (no look at the one before):
    it opens with «و» and a word that is no noun with «ال», no preposition or aside, no
    verb of saying, no imperfect in «ي» or future («واستمرت …», «وعانت …», «وقد …»),
    and has no year of its own. A character test first: most sentences open with no
    «و»."""
    if sentence[:1] != "و":
        return False
    first = sentence.split(maxsplit=1)[0]
    rest = normalize_word(first[1:])
    if (
        len(rest) < 2
        # an imperfect or future verb («ويريد فيسبوك …», «وسيتم …») tells the present
        or rest.startswith(("ال", "ي", "س"))
        or rest in _NOT_CONTINUING
        or normalize_word(first) in _NOT_CONTINUING
    ):
        return False
    return _YEAR.search(sentence) is None


def continues_background(sentence: str, before: str) -> bool:
    """Whether `sentence` goes on with the dated background `before` tells:
    `may_continue(sentence)`, and `before` opens as background («وكان/كانت …», «وفي
    عام …») and names a year. Such a sentence leans on `before`: alone, its past reads
    as the new event's."""
    return (
        before.startswith(_BACKGROUND_OPENINGS)
        and _YEAR.search(before) is not None
        and may_continue(sentence)
    )


_THE_MATTER = normalize_word("الأمر")
# «في نهاية الأمر» "in the end", «في بادئ الأمر» "at first", «حقيقة الأمر» "in fact»,
# «ولي الأمر» "a guardian": idioms, no matter told before
_IDIOM_BEFORE = frozenset(
    normalize_word(w)
    for w in (
        *("نهاية", "بادئ", "بداية", "أول", "آخر", "حقيقة", "واقع", "ولي", "أولياء"),
        *("ظاهر", "باطن", "مطلع", "صاحب", "أصحاب", "ذوي", "لزم", "اقتضى", "جلية"),
        # «العجيب في الأمر أن …», «كل ما في الأمر أن …»: "the strange thing is that …"
        "في",
        # «يستغرق الأمر أسبوعين»: "it takes two weeks"
        *("يستغرق", "استغرق", "تطلب", "يتطلب"),
    )
)
# «يتعلق الأمر بـ …» "when it comes to …" names its matter
_CONCERNS = frozenset(normalize_word(w) for w in ("يتعلق", "تعلق", "يتصل"))
_WINDOW = 4
# «الأمر الذي …» is the matter told before; «إلى/إلا» normalised open with «ال»
_NOT_ADJECTIVE = frozenset(normalize_word(w) for w in ("الذي", "إلى", "إلا"))


def the_matter_leans(tokens: Sequence[str]) -> bool:
    """Whether «الأمر» among the bullet's first four words stands for what a sentence
    before told («عادة ما يكون الأمر غير مؤلم»، «الأمر الذي دفع …»): not in an idiom
    («في نهاية الأمر»، «ولي الأمر»، «العجيب في الأمر أن»، «يستغرق الأمر»), not before
    an adjective of its own («الأمر التنفيذي», an order), not «يتعلق الأمر بـ» (its
    matter follows). One set test rules out most bullets."""
    window = tokens[:_WINDOW]
    if _THE_MATTER not in window:
        return False
    i = window.index(_THE_MATTER)
    before = tokens[i - 1] if i else ""
    after = tokens[i + 1] if i + 1 < len(tokens) else ""
    if before in _IDIOM_BEFORE or before in _CONCERNS:
        return False
    return not (after.startswith("ال") and after not in _NOT_ADJECTIVE)


# «خلال هذه الفترة»، «بعد مرور تلك المدة»، «في هذه المرحلة»: a period a sentence before
# set (dependent.py's bare demonstratives leave a demonstrative before its noun to
# references.py, which finds a period noun such as «الفترة» grounded by any bullet or the
# title that has the word; «هذه الأيام», «هذا العام» are now, not listed)
_PERIOD_DEMONSTRATIVES = frozenset(normalize_word(w) for w in ("هذه", "تلك", "هذا", "ذلك"))
_PERIODS = frozenset(
    normalize_word(w) for w in ("الفترة", "الفترات", "المدة", "الحقبة", "المرحلة", "الأثناء")
)
# «قسم الباحثون بعدها …»: "after that"; «فهذه ليست سوى البداية»: "so this …" (a glued
# «ف» the bare demonstratives of dependent.py do not take)
_BACK_WORDS = frozenset(
    normalize_word(w)
    for w in (
        *("بعدها", "وبعدها", "قبلها", "وقبلها"),
        *("فهذه", "فهذا", "فذلك", "فتلك", "فهؤلاء"),
    )
)
_CHECKED = _PERIODS | _BACK_WORDS


def back_period(tokens: Sequence[str]) -> bool:
    """Whether the bullet's first four words hold a demonstrative before a period noun
    («خلال هذه الفترة، تم تشخيص …», bullets-40u SK-technology-1527), or, among its
    second to fourth words, «بعدها/قبلها» ("after/before that", bullets-40u
    SK-technology-881), or, after an opening «وفقا/حسب لـ …», a demonstrative glued to
    «ف» standing alone («وفقا لآي بي إم، فهذه ليست سوى البداية», bullets-40u
    AL-technology-107). One set test rules out most bullets."""
    if tokens and tokens[0] in _ACCORDING_TO:
        window = tokens[:_ACCORDING_WINDOW]
        glued = (i for i, w in enumerate(window) if w in _BACK_WORDS and w[:1] == "ف")
        if any(not _names_its_noun(tokens, i) for i in glued):
            return True
    window = tokens[:_WINDOW]
    if _CHECKED.isdisjoint(window):
        return False
    for i, word in enumerate(window):
        if word in _PERIODS:
            if i and tokens[i - 1] in _PERIOD_DEMONSTRATIVES:
                return True
        elif i and word in _BACK_WORDS and word[:1] != "ف":
            return True  # a glued «ف» elsewhere answers a condition («إذا …، فهذا يعني»)
    return False


# «وفقا لـ "آي بي إم"، فهذه ليست سوى البداية»: the source's name may take several words
# before the glued «ف» answers the fronted phrase
_ACCORDING_TO = frozenset(normalize_word(w) for w in ("وفقا", "وفق", "حسب", "بحسب", "طبقا"))
_ACCORDING_WINDOW = 8


def _names_its_noun(tokens: Sequence[str], i: int) -> bool:
    """«فهذه الخطوة …»: a glued demonstrative before its definite noun names it."""
    after = tokens[i + 1] if i + 1 < len(tokens) else ""
    return tokens[i][:1] == "ف" and after.startswith("ال")


_AGAINST = frozenset(normalize_word(w) for w in ("بالمقابل", "وبالمقابل"))
_IN = frozenset(normalize_word(w) for w in ("في", "وفي"))
_IN_CONTRAST = normalize_word("المقابل")
_AS = frozenset(normalize_word(w) for w in ("كما", "وكما"))
# «بعبارة أخرى، …», «بمعنى آخر، …»: "in other words", a restatement of the sentence before
_IN_WORDS = frozenset(normalize_word(w) for w in ("بعبارة", "وبعبارة", "بمعنى", "وبمعنى"))
_OTHER = frozenset(normalize_word(w) for w in ("أخرى", "آخر"))
_APPEARS = frozenset(normalize_word(w) for w in ("يتضح", "يبدو", "اتضح", "تبين", "يتبين"))


def opens_against_before(tokens: Sequence[str]) -> bool:
    """Whether the bullet opens with «في المقابل/بالمقابل» ("in contrast", set against a
    sentence before: tune SK-technology-486, bullets-40u SK-technology-1527) or «كما
    يتضح/يبدو» ("as appears", from what was said before) or «بعبارة أخرى/بمعنى آخر» ("in
    other words", tune SK-technology-738). Not «في المقابلة» (an interview)."""
    if not tokens:
        return False
    first = tokens[0]
    if first in _AGAINST:
        return True
    second = tokens[1] if len(tokens) > 1 else ""
    return (
        (first in _IN and second == _IN_CONTRAST)
        or (first in _AS and second in _APPEARS)
        or (first in _IN_WORDS and second in _OTHER)
    )


_BUT = ("لكن ما ", "ولكن ما ")
_NOT_PAST = frozenset(normalize_word(w) for w in ("هو", "هي", "هم", "الذي", "التي", "إن", "إذا"))


def but_what_happened(sentence: str) -> bool:
    """Whether the article sentence opens with «لكن/ولكن ما» and a perfect verb («لكن ما
    ظهر في الترجمة أن "النساء العجائز …"», bullets-40v SK-technology-1055): what came
    out against what the sentence before said was meant, the end of an anecdote; with
    «لكن» dropped it reads as a statement of its own. Not an imperfect («لكن ما يصعب
    تفسيره هو …», a general remark) nor «ما هو/هي …» (a question or definition). A
    prefix test first."""
    if not sentence.startswith(_BUT):
        return False
    words = sentence.split(maxsplit=3)
    if len(words) < 3:
        return False
    verb = normalize_word(words[2].strip("،,"))
    return len(verb) >= 3 and verb[:1] not in "يت" and verb not in _NOT_PAST


_MIN_SURNAME = 4
_PRONOUNS = frozenset(normalize_word(w) for w in ("هو", "هي", "هم", "وهو", "وهي", "وهم"))


def _name_part(word: str) -> bool:
    """No function word, pronoun or «ال…» noun (references._name_like's test)."""
    return not (word.startswith("ال") or word in STOPWORDS or word in _PRONOUNS)


def surname_subject(tokens: Sequence[str]) -> list[str]:
    """The stem of a one-word name right after the bullet's opening verb («حاول
    باراكيلاس التوقف …», bullets-40u BB-technology-304: «ساندي باراكيلاس» was introduced
    in a sentence not shown), as a list for references.first_ungrounded's people: empty
    when a second name word follows (named in full here), when the word is short or is
    one the conjunction lexicon knows after «و» (a common word, or a name as frequent as
    «غوغل», «فيسبوك», «ترامب», which needs no introduction), ends in «ة» (a noun) or
    opens with «لل»."""
    if len(tokens) < 3:
        return []
    verb, name, after = tokens[0], tokens[1], tokens[2]
    if (
        name[:2] == "ال"  # most bullets: a definite subject (one slice)
        or len(name) < _MIN_SURNAME
        # «تعد متلازمة الأيض …», «نفذت وكالة الأمن …»: a noun in «ة» heading a
        # construct; «وفقا للسيناريو …»: a preposition's noun after a fronted phrase
        or name[-1] == "ه"
        or name.startswith("لل")
        or verb in _ACCORDING_TO
        or not _name_part(verb)
        or not _name_part(name)
        or _name_part(after)
        or "و" + name in conjunction_lexicon().conjunction
    ):
        return []
    return [stem_token(name)]


def leans_back(text: str, tokens: list[str]) -> bool:
    """Whether a bullet's own words lean on the sentence before it: an opening that needs
    it (`dependent.depends_on_previous`), a back reference or a quote going on
    (`residue.leans_on_previous`, `residue.quote_leans_back`), «الأمر»
    (`the_matter_leans`), a period told before (`back_period`) or a contrast with it
    (`opens_against_before`). `text` is the bullet as shown, `tokens` its tokens (may be
    empty). Reads nothing beyond the bullet: the test the bullet maker (a plain bullet)
    and the search's `usable` share; the search adds its checks of the article sentence."""
    return (
        depends_on_previous(tokens)
        or leans_on_previous(text, tokens[0] if tokens else "")
        or quote_leans_back(text)
        or the_matter_leans(tokens)
        or back_period(tokens)
        or opens_against_before(tokens)
    )


def candidate_before(index: int, ranked: Sequence[Candidate]) -> Candidate | None:
    """The candidate of the article sentence right before sentence `index` (`ranked`:
    the article's candidates in article order); None when `index` is the first candidate
    (it leans on nothing that could be shown) or that sentence is no candidate (a
    heading, boilerplate)."""
    position = next((k for k, c in enumerate(ranked) if c.sentence.index == index), 0)
    if position == 0:
        return None
    before = ranked[position - 1]
    return before if before.sentence.index == index - 1 else None


def background_goes_on(candidate: Candidate, ranked: Sequence[Candidate]) -> bool:
    """`continues_background` of the candidate's sentence and the article sentence right
    before it, when that one is a candidate (`candidate_before`; otherwise False). The
    test of the sentence alone (`may_continue`) runs first, so most sentences cost no
    lookup of the one before."""
    text = candidate.sentence.text
    if not may_continue(text):
        return False  # most sentences: no lookup of the one before
    before = candidate_before(candidate.sentence.index, ranked)
    return before is not None and continues_background(text, before.sentence.text)
