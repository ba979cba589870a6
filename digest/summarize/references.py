"""Words of a bullet that point back to something named only in an earlier sentence
(issue #13 point 3): a demonstrative with its noun anywhere in the sentence («تم تطوير
هذا التطبيق …», «تطلب هذه النوعية من المواقع …») and a speaker named only by a definite
noun or one name right after a verb of saying («يوضح الباحث، أن …», «أضاف الموقع أن
…», «قال كولمان في إفادة …»). Such a bullet is grounded when what it points at is named
in a bullet shown before it (or in the sentence right before it, shown with it); the
summarizer decides that (`digest.summarize.extractive`), these functions only find the
words. Pure functions over normalised tokens; set lookups, linear in the bullet."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

from ..arabic import tokenize
from .leaning import surname_subject
from .scoring import STOPWORDS, Candidate, stem_token

__all__ = [
    "demonstrative_nouns",
    "first_dropped_name",
    "first_ungrounded",
    "grounded",
    "institution_nouns",
    "person_nouns",
    "refers_to_someone",
    "speaker_reference",
    "stems",
]

_DEMONSTRATIVE_BASES = tokenize("هذا هذه هذين هاتين هذان هاتان هؤلاء ذلك تلك")
# with a conjunction or preposition glued: «وهذا»، «بهذه»، «لهذا»، «كهذا»، «وبهذه»
_DEMONSTRATIVES = frozenset(
    prefix + base
    for base in _DEMONSTRATIVE_BASES
    for prefix in ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل")
)
_PROXIMAL = frozenset(
    prefix + base
    for base in tokenize("هذا هذه")
    for prefix in ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل")
)
# «هذا العام», «هذه الأيام», «هذه المرة»: the time of the sentence itself, no back
# reference (stems, as `stem_token` leaves them); with «ذلك/تلك» («منذ ذلك الوقت») they are
_TIME_STEMS = frozenset(
    stem_token(word)
    for word in tokenize(
        """العام السنه الشهر الاسبوع اليوم الموسم الصيف الشتاء الربيع الخريف الوقت الفتره
        المره الايام الاثناء اللحظه الساعه الصباح المساء العقد القرن الليله الاعوام
        السنوات الاشهر الاسابيع الليالي الساعات الدقائق العصر الزمن"""
    )
)
# A demonstrative further into the sentence mostly points at what the sentence itself
# said; the subject and object positions where a back reference reads wrong come first
_DEMONSTRATIVE_WINDOW = 8
_RELATIVES = frozenset(tokenize("الذي التي الذين اللذين اللتين اللاتي اللواتي اللائي"))
# Speakers that are no back reference: groups («قال الباحثون إن», «قال العلماء»), and
# the company or platform the article is about (named in its lead, in other words)
_GROUP_SPEAKERS = frozenset(
    stem_token(word) for word in tokenize("العلماء الخبراء الأطباء الباحثون الشركة المنصة")
)
# Definite nouns for one person or a couple, who is someone the story told of before
_PERSONS = frozenset(
    tokenize(
        """الزوجان الزوجين الزوج الزوجة الرجل المرأة السيدة الفتاة الفتى الشاب الشابة
        الطفل الطفلة الرضيع الرضيعة الصبي الأم الأب الطالب الطالبة الباحث الباحثة الطبيب
        الطبيبة المريض المريضة الصحفي الصحفية المبرمج المدون المدونة المهندس المهندسة
        العالم العالمة الخبير الخبيرة المستخدم المستخدمة الضحية المتهم"""
    )
)
_PRONOUNS = frozenset(tokenize("وهو وهي وهما وهم هو هي هما هم"))
# Definite nouns for an institution that the story names in full once («اللجنة الوطنية
# للصحة وتنظيم الأسرة») and then calls by the noun alone («نقلا عن اللجنة أن …»).
# («الشركة» is left out: it is mostly the company of the headline and lead.)
_INSTITUTIONS = frozenset(
    tokenize(
        """اللجنة الوزارة المحكمة الهيئة الوكالة المنظمة المجلس الجمعية المؤسسة البلدية
        الجامعة المستشفى"""
    )
)
# where a bare institution noun is looked for (its subject or object positions)
_INSTITUTION_WINDOW = 12
# Verbs of saying after which the next words are the speaker
_SAYING = frozenset(
    tokenize(
        """قال قالت يقول تقول اضاف اضافت يضيف تضيف اوضح اوضحت يوضح توضح اكد اكدت يؤكد تؤكد
        ذكر ذكرت يذكر تذكر اشار اشارت يشير تشير صرح صرحت لفت لفتت نوه نوهت رجح رجحت يرجح
        ترجح افاد افادت يفيد تفيد تابع تابعت اعتبر اعتبرت يعتبر تعتبر شدد شددت يشدد تشدد
        كتب كتبت نقل نقلت روى روت يروي تروي ابلغ ابلغت اخبر اخبرت حسب بحسب"""
    )
)
_SAYING_ALL = frozenset(word for base in _SAYING for word in (base, "و" + base, "ف" + base))
# Verbs that go on with what a speaker said before («وتابع إيغلمان: "…"»): their speaker
# was introduced by an earlier sentence even when two words follow the verb (the quote's
# first word after a colon is no part of a name: bullets-40k, SK-technology-435)
# Verbs of telling: the definite noun after their speaker is whom he told («أبلغ سيستروم
# الصحفيين …», bullets-40l, SK-technology-953), not a title describing him
_TELLING = frozenset(
    word for base in tokenize("ابلغ ابلغت اخبر اخبرت") for word in (base, "و" + base, "ف" + base)
)
_CONTINUING = frozenset(
    word
    for base in tokenize("تابع تابعت استطرد استطردت استدرك استدركت واصل واصلت")
    for word in (base, "و" + base, "ف" + base)
)
# «قال لوكانين لرويترز: …»: to whom he spoke, no part of his name (bullets-40l,
# SK-technology-1235); «لل…» («للصحفيين») likewise
_TO_OUTLET = frozenset(
    tokenize("لرويترز لوكالة لصحيفة لشبكة لموقع لقناة لمجلة لتلفزيون لإذاعة لبي")
)
_BEFORE_VERB = frozenset(tokenize("قد لقد وقد ولقد فقد"))
# After the speaker: his words or where he spoke, so the speaker is the noun alone
_AFTER_SPEAKER = frozenset(
    tokenize("أن إن أنه إنه أنها إنها أنهم إنهم إلى الى في خلال نقلا فإن فإنه فإنها فقد")
)


def _key(stem: str) -> str:
    """A stem without a feminine, plural, dual or accusative ending, so that «النوعية»,
    «نوعية» and «نوع», or «التطبيقات» and «تطبيقا», meet."""
    for ending in ("ات", "ين", "ون", "ان", "ه", "ا"):
        if stem.endswith(ending) and len(stem) - len(ending) >= 3:
            return stem[: -len(ending)]
    return stem


class _TokenKeys(dict[str, str]):
    """token -> `_key(stem_token(token))`, filled on first use: a lookup is the dict's C
    `__getitem__` (several times cheaper per token than an lru_cache wrapper, and
    `first_ungrounded` maps every word of the sentences before a bullet). Bounded."""

    def __missing__(self, token: str) -> str:
        if len(self) >= _MAX_CACHED_KEYS:
            self.clear()
        key = self[token] = _key(stem_token(token))
        return key


_MAX_CACHED_KEYS = 1 << 15
# one cache for the process, as the lru_cache it replaces was
_TOKEN_KEYS = _TokenKeys()
_token_key = _TOKEN_KEYS.__getitem__


def stems(tokens: Collection[str]) -> set[str]:
    """The keys of tokens for `grounded`: prefixes ال/و/ب/ل… stripped as the scoring
    does, then a noun's ending."""
    return set(map(_token_key, tokens))


def grounded(stem: str, shown: Collection[str]) -> bool:
    """Whether `stem` (as `demonstrative_nouns` or `speaker_reference` give it) is
    named among the `shown` keys (`stems` of the words shown)."""
    return _key(stem) in shown


def demonstrative_nouns(tokens: Sequence[str]) -> list[str]:
    """Stems of the nouns a demonstrative points at («هذا التطبيق» -> «تطبيق») after
    the bullet's first word (an opening demonstrative is `depends_on_previous`'s), when
    the bullet does not name the noun before the demonstrative. Time nouns («هذا
    العام») point at nothing."""
    found: list[str] = []
    end = min(len(tokens) - 1, _DEMONSTRATIVE_WINDOW)
    if _DEMONSTRATIVES.isdisjoint(tokens[1:end]):
        return found  # most bullets: one set test in C, not a loop over the window
    for i in range(1, end):
        if tokens[i] not in _DEMONSTRATIVES:
            continue
        noun = tokens[i + 1]
        if not noun.startswith("ال") or len(noun) < 5 or noun in _RELATIVES:
            continue
        if tokens[i - 1] == "في" and tokens[i] == "ذلك":
            continue  # «بما في ذلك الجينات»: "including", no back reference
        stem = stem_token(noun)
        if stem in _TIME_STEMS and tokens[i] in _PROXIMAL:
            continue  # «هذا العام» is now; «منذ ذلك الوقت» points back
        if grounded(stem, stems(tokens[:i])):
            continue
        found.append(stem)
    return found


def _plural(stem: str) -> bool:
    return stem.endswith(("ون", "ين", "ات")) and len(stem) >= 5


def _name_like(word: str) -> bool:
    """A word that may be part of a name: no function word, pronoun or «ال…» noun."""
    return not (
        word.startswith("ال") or word in STOPWORDS or word in _AFTER_SPEAKER or word in _PRONOUNS
    )


def person_nouns(tokens: Sequence[str]) -> list[str]:
    """Stems of a definite noun for a person or a couple among the bullet's first three
    words («يفسر الزوجان …», «قالت الباحثة …», «كانت الصحفية قد …»), unless a relative
    clause after it (and its adjectives) tells who («يرى الرجل الذي طور …») or a name
    of two words follows («قالت الأم إيما شاردلو …»; one word may be a noun in the
    genitive: «يفسر الزوجان سعادة الأزواج»). Like a
    speaker, such a noun points back only when an earlier sentence names it."""
    found: list[str] = []
    if _PERSONS.isdisjoint(tokens[:3]):
        return found  # most bullets: one set test in C, not a loop over three words
    for i in range(min(3, len(tokens))):
        if tokens[i] not in _PERSONS:
            continue
        j = i + 1  # past its adjectives («الباحث الأمني»)
        while j < min(len(tokens), i + 4) and tokens[j].startswith("ال"):
            j += 1
        if tokens[j - 1] in _RELATIVES:
            continue
        if all(_name_like(word) for word in tokens[j : j + 2]) and j + 2 <= len(tokens):
            continue  # a name follows: «قالت الأم إيما شاردلو هدسون، …» introduces her
        found.append(stem_token(tokens[i]))
    return found


def speaker_reference(tokens: Sequence[str]) -> str | None:
    """The stem of a speaker named only by a definite noun or by one name right after
    a verb of saying among the bullet's first words («يوضح الباحث أن …» -> «باحث»,
    «قال كولمان في …» -> «كولمان», «قال لوكانين لرويترز: …», «تابع إيغلمان: …» ->
    «إيغلمان»: «تابع» goes on with a speaker already heard; «حسب المسؤولة فانه …»,
    «قالت القناة نقلا عن …» -> «مسؤول», «قناه»: bullets-40r), or None: no verb of
    saying there, or the speaker is named in full («قال الباحث جون سميث إن …», «قالت
    شركة غوغل إن …»), or is only a pronoun (`leans_on_previous`'s)."""
    start = 1 if tokens and tokens[0] in _BEFORE_VERB else 0
    if _SAYING_ALL.isdisjoint(tokens[start : min(start + 3, len(tokens) - 1)]):
        return None  # most bullets: no verb of saying where it is looked for (one C test)
    for i in range(start, min(start + 3, len(tokens) - 1)):
        if tokens[i] not in _SAYING_ALL:
            continue
        speaker = tokens[i + 1]
        if speaker in STOPWORDS or speaker in _AFTER_SPEAKER or len(speaker) < 3:
            return None
        # «الرئيس التنفيذي», «أماندا، البالغة من العمر»: definite words after the
        # speaker describe him; the word after them tells whether a name follows
        j = i + 2
        if tokens[i] in _TELLING and j < len(tokens) and tokens[j].startswith("ال"):
            return None if speaker.startswith("ال") else stem_token(speaker)
        while (
            j < len(tokens)
            and tokens[j].startswith("ال")
            and tokens[j] not in _AFTER_SPEAKER
            and j < i + 4
        ):
            j += 1
        after = tokens[j] if j < len(tokens) else ""
        if (
            after
            and after not in _AFTER_SPEAKER
            and after not in STOPWORDS
            and after not in _TO_OUTLET
            and not after.startswith("لل")
            and tokens[i] not in _CONTINUING
        ):
            return None  # a name follows: «قال الباحث جون سميث», «قال كيث كولمان»
        stem = stem_token(speaker)
        if stem in _GROUP_SPEAKERS or (speaker.startswith("ال") and _plural(stem)):
            return None
        return stem
    return None


def institution_nouns(tokens: Sequence[str]) -> list[str]:
    """Stems of an institution's definite noun used alone among the bullet's first
    words («نقلا عن اللجنة أن …», «وقالت الوزارة إن …»): no adjective or name after it
    tells which one («اللجنة الوطنية», «المحكمة العليا» are named). Like a person,
    such a noun points back when an earlier sentence names the institution
    (bullets-40i, SK-technology-22)."""
    found: list[str] = []
    if _INSTITUTIONS.isdisjoint(tokens[:_INSTITUTION_WINDOW]):
        return found  # most bullets: one C-level pass
    for i in range(min(_INSTITUTION_WINDOW, len(tokens))):
        if tokens[i] not in _INSTITUTIONS:
            continue
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if after.startswith("ال") or not (
            not after or after in STOPWORDS or after in _AFTER_SPEAKER or after in _PRONOUNS
        ):
            continue  # an adjective or a name follows: the institution is named here
        found.append(stem_token(tokens[i]))
    return found


def refers_to_someone(tokens: Sequence[str]) -> bool:
    """Whether the bullet (its tokens) names a speaker, a person or an institution by a
    reference that an earlier sentence may introduce (no demonstrative pointing back:
    what «هذه النتائج» stands for is the sentence before's whole statement)."""
    if demonstrative_nouns(tokens):
        return False
    return bool(speaker_reference(tokens) or person_nouns(tokens) or institution_nouns(tokens))


def _introduced(speaker: str | None, people: list[str]) -> list[str]:
    """The speaker and the people a bullet refers to, who must have been introduced."""
    return people if speaker is None else [speaker, *people]


def first_ungrounded(
    bullets: Sequence[tuple[int, Sequence[str]]],
    article: Sequence[Candidate],
    title: Sequence[str] = (),
) -> int | None:
    """The sentence index of the first of `bullets` ((sentence index, tokens) pairs), in
    the article's order, that points at something no bullet before it names, or None.
    A bullet right after the sentence it follows in the article is grounded by it (the
    two are read together). A demonstrative's noun must be named by the sentence right
    before it or the title (singular: not «5 تطبيقات»); a speaker
    only when the `article` (its candidates, in order) names him in an earlier
    sentence: otherwise this sentence introduces him. The `title`'s tokens are shown
    above the bullets: what it names is named."""
    ordered = sorted(bullets)
    # most bullets point at nothing: the stems are computed only when one does
    references = [
        (
            demonstrative_nouns(tokens),
            _introduced(
                speaker_reference(tokens),
                person_nouns(tokens) + institution_nouns(tokens) + surname_subject(tokens),
            ),
        )
        for _, tokens in ordered
    ]
    if not any(nouns or people for nouns, people in references):
        return None
    last = max(k for k, (nouns, people) in enumerate(references) if nouns or people)
    shown: set[str] = set(map(_token_key, title))
    # a demonstrative points at the sentence right before it in the article: a bullet
    # shown after a different one is grounded only by what the whole article is about,
    # the title and the first bullet, and not by a plural there («5 تطبيقات …»: «هذا
    # التطبيق» is one of them, which one was a list heading; bullets-40q AL-technology-271
    # read the pet app as Homestyler's, named in the third bullet)
    topic = {_token_key(w) for w in title if not w.endswith("ات")}
    previous = -2
    for (index, tokens), (nouns, people) in zip(ordered[: last + 1], references, strict=False):
        if index != previous + 1 and any(not grounded(noun, topic) for noun in nouns):
            return index
        # a person or institution is grounded only by a shown sentence naming it, the
        # one right before included: «كتب توربا …» after a bullet that never names him
        # (bullets-40i, BB-technology-354) needs the sentence that introduced him
        keys = {_key(person) for person in people if not grounded(person, shown)}
        for candidate in article:
            if not keys or candidate.sentence.index >= index:
                break
            if not keys.isdisjoint(map(_token_key, candidate.features.words)):
                return index  # named before, in a sentence not shown
        shown.update(map(_token_key, tokens))
        if previous == -2:
            topic.update(_token_key(w) for w in tokens if not w.endswith("ات"))
        previous = index
    return None


_ASCII_LETTER = re.compile("[A-Za-z]")


def _latin_words(text: str) -> set[str]:
    """Words holding a Latin letter («J5», «IRS-CI», «iPhone»), lowercased, edge
    punctuation stripped."""
    out: set[str] = set()
    if _ASCII_LETTER.search(text) is None:
        return out  # most Arabic bullets: one scan in C, not a loop over their words
    for word in text.split():
        if word.isascii() and any(c.isalpha() for c in word):
            word = word.strip(".,;:!?\"'()[]«»“”،؛").lower()
            if len(word) >= 2:
                out.add(word)
    return out


def _dropped_part(sentence: str, bullet: str) -> str:
    """What a cut left out of `sentence` to show `bullet` (its leading part, perhaps
    with a connective or dateline taken off its start), or "" when kept whole."""
    body = bullet.rstrip(". ")
    tail = body[-40:]
    at = sentence.rfind(tail, 0, len(body) + 80) if tail else -1
    return sentence[at + len(tail) :] if at >= 0 else ""


def first_dropped_name(
    bullets: Sequence[tuple[int, str]],
    sentences: Mapping[int, str],
) -> int | None:
    """The sentence index of the first of `bullets` ((sentence index, text) pairs) that
    uses a Latin-lettered name («مبادرة J5») which a cut removed from an earlier shown
    bullet and no earlier bullet shows: the cut dropped where it was introduced
    (judged on sheet 40f, AL-technology-333), so the later bullet refers to nothing.
    `sentences`: each bullet's sentence as written. None when every name is grounded."""
    if _ASCII_LETTER.search("\n".join(text for _, text in bullets)) is None:
        return None  # no bullet uses a Latin-lettered name (one scan in C)
    ordered = sorted(bullets)
    dropped: set[str] = set()
    shown: set[str] = set()
    for index, text in ordered:
        words = _latin_words(text)
        if not (words & dropped).issubset(shown):
            return index
        shown |= words
        sentence = sentences.get(index, "")
        if len(sentence) > len(text):
            dropped |= _latin_words(_dropped_part(sentence, text)) - shown
    return None
