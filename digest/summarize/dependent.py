"""Openings that make a sentence lean on the one before it (issue #13 point 4), read from
the bullet's own words; such a bullet is shown only with the sentence it leans on, or as
a last resort.

- `depends_on_previous`: openings that only make sense after the sentence before («مما»،
  «وهو ما»، «إذ»، «التي»، «بعضهم» …), a short negation («لا يقدم لمن …»), a fragment the
  source's full stop split off the sentence before (a purpose verb «ليواصل …», a verb
  whose subject is "they" «واحتاجوا …», a bare circumstance or attribution phrase «بحسب
  ما أوردت …», more items of a list «بالإضافة إلى …»), a bare demonstrative or a
  back-pointing time among the opening words («يمكن القيام بذلك …», «كان المريخ حينها
  …») and "the latter" («وكانت الأخيرة قد …»).
- `fa_leans`: «ف» glued to a time opener («فعندما …»), which `strip_connective` drops.
- `announces_next`: a sentence that only announces the one after it («ليس هذا فحسب»).

Kept apart from connectives.py (the leading connectives dropped by rule) and leaning.py
(leaning tests that look at the sentence before or at a name's introduction)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..arabic import normalize, normalize_word
from .lexicon import conjunction_lexicon, wordset

__all__ = ["announces_next", "depends_on_previous", "fa_leans"]


_PARTITIVES = tuple(
    conjunction + quantifier + pronoun
    for conjunction in ("", "و", "ف")
    for quantifier in ("بعض", "معظم", "أغلب", "أحد", "إحدى", "غالبية")
    for pronoun in ("هم", "ها", "هما", "هن")
) + tuple(c + w for c in ("", "و", "ف") for w in ("كلاهما", "كلتاهما"))
# Openings that only make sense after the previous sentence ("مما يعني ...", "وهو ما
# ..."): such sentences are bullets only when nothing else is left. ("أما" is not
# stripped either: "أما X فـ..." needs both halves.)
_DEPENDENT_OPENINGS = tuple(
    normalize(p)
    for p in (
        *("مما", "ومما", "ما يعني", "الأمر الذي", "أما", "وأما"),
        *("التي", "الذي", "الذين", "اللذين", "اللتين", "والتي", "والذي", "والذين"),
        *("إذ", "حيث"),  # "since", "where": the clause it explains came before
        # «لكن حكما قضائيا …»: «لكنّ» kept before its accusative noun (strip_connective
        # drops it elsewhere) contrasts with the sentence before
        *("لكن", "ولكن"),
        *("وهو ما", "هو ما", "وهذا ما", "هذا ما", "وهي ما", "هي ما"),
        # "thereby", "for this": the result or reason of what came before
        *("بذلك", "وبذلك", "بهذا", "وبهذا", "بهذه", "وبهذه", "لهذا", "ولهذا"),
        # "while", "whereas", "thus", "as a result of that": they answer the sentence
        # before (issue #13 point 4: «بينما» openings need the previous sentence)
        *("بينما", "وبينما", "فيما", "وفيما", "هكذا", "وهكذا", "مثلا", "فمثلا", "ومثلا"),
        # "for example", "likewise": an instance of what the sentence before said
        # (bullets-40t, BB-technology-218)
        *("على سبيل المثال", "وعلى سبيل المثال", "فعلى سبيل المثال", "كمثال", "بالمثل"),
        *("وبالمثل",),
        *("نتيجة ذلك", "ونتيجة ذلك", "نتيجة لذلك", "ونتيجة لذلك"),
        # a demonstrative standing for what was said before ("هذه الخطوة", "ذلك أن",
        # "هذا هو إعلان ...", "وذلك في إطار ...")
        *("هذا", "هذه", "هذان", "هاتان", "هؤلاء", "تلك", "ذلك", "وذلك", "وهذه", "وتلك"),
        # a pronoun for subject («فهو يعمل …» once ف is dropped): who, the sentence
        # before says; «فإن …» left after «وبالتالي» or «لذلك»: the consequence of it
        *("هو", "هي", "هم", "هما", "وهو", "وهي", "وهم", "فهو", "فهي", "فهم"),
        # «ثم كان على وشك …»: the next step of a story, whose actor the sentence
        # before names (dropping «ثم» left a verb without its subject)
        *("ثم", "وثم"),
        # «وكذلك مبنى سكني للطلاب …»: one more item of a list the sentence before
        # opened (kept by strip_connective only when no verb follows)
        *("كذلك", "وكذلك"),
        # «خصوصا على كوكب تصل فيه الحرارة …»: "especially", the rest of the sentence
        # before (a question split at its «؟» left it as a fragment)
        *("خصوصا", "وخصوصا", "خاصة", "وخاصة", "لا سيما", "ولا سيما", "لاسيما", "ولاسيما"),
        *("فإن", "فإنه", "فإنها", "فإنهم", "كما أنه", "كما أنها", "كما أنهم"),
        # «إلا أنه أضاف …», «غير أنها طغى عليها …»: "but he/she …", whose subject the
        # sentence before names (an impersonal «إلا أنه يجب …» is stripped instead)
        *("إلا أنه", "إلا أنها", "إلا أنهم", "غير أنه", "غير أنها", "غير أنهم"),
        # «إلا أن منتقدي التطبيق يرون …»: «أنّ» kept before its accusative noun
        *("إلا أن", "غير أن", "كما أن"),
        # «حسناً، يبدو أن …», «نعم، …», «إذن، …»: the reply to a question just asked
        # (bullets-40i, CN-technology-137: the question was not shown)
        *("حسنا", "وحسنا", "نعم", "إذن", "اذن"),
        # «فبعضهم لديه تعليمات …», «وكلاهما يعززان …»: "some/most/one/both of them", of
        # a group the sentence before names (bullets-40j, BB-technology-258)
        *_PARTITIVES,
    )
)
# A short sentence opening with a negation («لا يقدم لمن تجاوزن سن 18 عاما.», «لم
# يستجب أحد الأجهزة على الإطلاق.») denies something of what the sentence before told
_NEGATIONS = frozenset(normalize(w) for w in ("لا", "لم", "لن", "ليس", "ليست", "ولا", "ولم"))
_SHORT_NEGATION = 9
# "فيما يتعلق بـ" / "فيما يخص": "as for", a sentence of its own
_FIMA = frozenset(normalize(w) for w in ("فيما", "وفيما"))
_FIMA_AS_FOR = frozenset(normalize(w) for w in ("يتعلق", "يخص", "يتصل"))
_DEPENDENT_START = re.compile(
    "^(?:" + "|".join(re.escape(p) for p in _DEPENDENT_OPENINGS) + ")(?= )"
)
# Their first words: a bullet whose first token is none of these cannot match
_DEPENDENT_FIRST = frozenset(p.split()[0] for p in _DEPENDENT_OPENINGS)


def depends_on_previous(tokens: Sequence[str]) -> bool:
    """The bullet (its normalised tokens) opens with words that only make sense after
    the previous sentence («مما يعني»، «وهو ما»، «إذ»، «التي» …, «ليواصل …»), or is a
    short negation («لا يقدم لمن …»)."""
    if not tokens:
        return False
    if tokens[0] in _NEGATIONS and len(tokens) <= _SHORT_NEGATION:
        return True  # «لا يقدم لمن تجاوزن سن 18 عاما.»: what is not, the sentence before says
    if not _POINTING_BACK.isdisjoint(tokens[:_BACK_WINDOW]) and (
        # «يمكن القيام بذلك …», «كان المريخ حينها …», «بالنسبة للفئة الأخيرة، …»
        _bare_back_reference(tokens) or _latter(tokens)
    ):
        return True  # (one set test in C rules out most bullets)
    if _purpose_verb(tokens[0]):
        return True  # «ليواصل نظام الملالي انحداره …»: the purpose of the sentence before
    if _plural_pronoun_verb(tokens[0]):
        return True  # «واحتاجوا لتحقيق ذلك …»: who "they" are, the sentence before says
    if _circumstance_fragment(tokens):
        return True  # «بحسب ما أوردت وكالة الأنباء السعودية.»: the source's stop split it
    if _addition_fragment(tokens):
        return True  # «بالإضافة إلى مساعدة وسائل الإعلام …»: more items of a list before
    if tokens[0] not in _DEPENDENT_FIRST:
        return False
    if tokens[0] in _FIMA and len(tokens) > 1 and tokens[1] in _FIMA_AS_FOR:
        return False
    return _DEPENDENT_START.match(" ".join(tokens[:4])) is not None


_MIN_PURPOSE_VERB = 4  # «ليتم»
# «كتبوا», «وجدوا», «واحتاجوا»; «رأوا» and «أسوأ» (normalised «اسوا») are shorter
_MIN_PLURAL_VERB = 5


def _plural_pronoun_verb(word: str) -> bool:
    """Whether `word` (normalised), opening a sentence, is a perfect verb of the third
    person plural («احتاجوا», «وكتبوا», «ووجدوا»): a verb before its subject is
    singular («قال الباحثون»), so a plural one has only its pronoun for subject, a
    group the sentence before names (bullets-40s, BB-technology-272). One test of the
    word's end; «الأسوأ» is a noun. The imperfect too («يعلقون آمالهم …», «ويقولون
    …», «سيعملون …», bullets-40r SK-technology-114): its singular («يعلق») must be a
    word found after «و» in the conjunction lexicon, as for `_purpose_verb` («يتكون»,
    «يتعاون» end in their root's «ون»; «يمنيون» is a nisba plural)."""
    if word.endswith("ون"):
        verb = word[1:] if word[:1] == "و" else word
        verb = verb[1:] if verb[:1] == "س" else verb
        return (
            verb[:1] == "ي"
            and len(verb) >= _MIN_PLURAL_VERB
            and verb[-3] != "ي"
            and "و" + verb[:-2] in conjunction_lexicon().conjunction
        )
    return (
        word.endswith("وا")
        and len(word) >= _MIN_PLURAL_VERB
        and not word.startswith(("ال", "وال"))
        and word not in _NOT_PLURAL_VERBS
    )


# place names ending so («أوتاوا», «نيكاراغوا»), and the imperatives a teaser addresses
# its readers with, written as the perfect is («تعرفوا إلى أكبر روبوت في العالم.»,
# CN-technology-144: a line of its own, leaning on nothing)
_NOT_PLURAL_VERBS = frozenset(
    prefix + normalize_word(w)
    for w in (
        *("أوتاوا", "نيكاراغوا", "نيكاراجوا", "تعرفوا", "تخيلوا", "جربوا", "شاهدوا"),
        *("تابعوا", "انتظروا", "استعدوا", "اكتشفوا", "اقرأوا", "استمعوا", "احذروا"),
    )
    for prefix in ("", "و")
)


def _purpose_verb(word: str) -> bool:
    """Whether `word` (normalised) is «لـ» + an imperfect verb of the third person
    («ليواصل», «لتصبح», «لتتمكن»): a sentence opening so is the purpose or outcome of the
    sentence before, split off at a full stop («… تضاعفت في الفترة الأخيرة. ليواصل نظام
    الملالي انحداره …», bullets-40k, SK-technology-786). The verb is told from «لـ» + a
    noun («لشركة», «لتطوير», «ليبيا», «لينوفو») by the conjunction lexicon: its masculine
    form «يـ…» must be a word found after «و» («ويواصل», «ويتمكن»; no «ويطوير»). One
    set lookup, only for words opening «لي/لت»."""
    if len(word) < _MIN_PURPOSE_VERB or word[0] != "ل" or word[1] not in "يت":
        return False
    return "وي" + word[2:] in conjunction_lexicon().conjunction


# A purpose or circumstance phrase («في محاولة لـ», «سعيا لـ», «بهدف», «من أجل», «أملا
# في», «رغبة في») or an attribution («بحسب», «حسب ما», «وفقا لـ», «وفق ما», «نقلا عن»)
# opening a sentence (normalised, «و» optional)
_CIRCUMSTANCE_OPENING = re.compile(
    "و?(?:في محاوله ل|سعيا ل|بهدف |من اجل |املا في |رغبه في |بحسب |حسب |حسبما |وفقا ل"
    "|وفق ما |طبقا ل|نقلا عن )"
)
# A sentence that opens so and is longer than this holds a main clause of its own (its
# verb may be a perfect, which looks like a noun: «ووفقا لبحث نشر العام الماضي تراجعت
# أعداد …»)
_FRAGMENT_MAX_WORDS = 10
# the answer after such a fronted phrase: «بحسب الدراسة، فإن …», «وبحسب الوثائق فقد …»
_FRONTED_ANSWERS = frozenset(
    normalize(w) for w in ("فإن", "فإنه", "فإنها", "فإنهم", "فإنهما", "فقد", "فلا", "فلم", "فلن")
)


def _circumstance_fragment(tokens: Sequence[str]) -> bool:
    """Whether the bullet (normalised tokens) is only a purpose, circumstance or
    attribution phrase: it opens with one (`_CIRCUMSTANCE_OPENING`), has at most ten
    words, no answer («فإن/فقد …») and no imperfect or future verb after its first two
    words. The source put a full stop before a phrase of the sentence before («… لهاتفها "غالاكسي
    إس 9". في محاولة للإغراء باستخدام منتجات الشركة …», «… والعالم الإسلامي. بحسب ما
    أوردت وكالة الأنباء السعودية.», bullets-40m/40n, SK-technology-1189/721): it is no
    bullet alone. «بحسب الدراسة، فإن …», «ووفقا للباحثين يمكن أن …» are sentences (the
    attribution verbs «أورد/ذكر/نقل» inside «بحسب ما …» are perfects, not seen as verbs).
    The length test comes first: most sentences are longer."""
    if len(tokens) > _FRAGMENT_MAX_WORDS or len(tokens) < 2:
        return False
    if _CIRCUMSTANCE_OPENING.match(" ".join(tokens[:3]) + " ") is None:
        return False
    rest = tokens[2:]
    return _FRONTED_ANSWERS.isdisjoint(rest) and not any(map(_verb_like, rest))


# «بالإضافة إلى», «علاوة على», «فضلا عن» (normalised, «و» optional) before a noun
_ADDITION_OPENING = re.compile("و?(?:بالاضافه الي|علاوه علي|فضلا عن) ")
# after the phrase: «بالإضافة إلى ذلك، …» is an adverb before a sentence (and stripped)
_ADDITION_DEMONSTRATIVE = wordset(normalize("ذلك هذا هذه ما"))
# a verb right after these belongs to a subordinate clause, not the main one
_SUBORDINATORS = wordset(normalize("أن ان لكي كي مما الذي التي الذين"))
_ADDITION_ANSWERS = _FRONTED_ANSWERS | wordset(normalize("فهو فهي فهم"))


def _addition_fragment(tokens: Sequence[str]) -> bool:
    """Whether the bullet (normalised tokens) is only «بالإضافة إلى/علاوة على/فضلا عن»
    + nouns: no main verb (an imperfect or future one not right after «أن/مما/الذي
    …») and no answer («فإن/فقد/فهو …»). Such a sentence goes on with the list of the
    sentence before (bullets-40p, AL-technology-213: «بالإضافة إلى مساعدة وسائل
    الإعلام …، ومساعدة المدن الذكية على أن تصبح …» after «… مثل التقاط أعمال الصيد»).
    «بالإضافة إلى نظام رومبا، يستخدم المشروع …» has its main verb. A perfect verb
    («… قالت فيسبوك …») is not seen: the safe side is a sentence in second choice."""
    if len(tokens) < 3 or _ADDITION_OPENING.match(tokens[0] + " " + tokens[1] + " ") is None:
        return False
    rest = tokens[2:]
    if rest[0] in _ADDITION_DEMONSTRATIVE or not _ADDITION_ANSWERS.isdisjoint(rest):
        return False
    # rest[0] follows the preposition: a noun («توفير», «تتبع»), never a verb
    return not any(
        _verb_like(word) and rest[i - 1] not in _SUBORDINATORS
        for i, word in enumerate(rest)
        if i > 0
    )


def _verb_like(word: str) -> bool:
    """An imperfect or future verb («يجب», «تعمل», «سيخرج», «ستعتقل»), or a word
    that looks like one («تقنية»: the safe side, no fragment)."""
    if word[:1] == "ي":
        return len(word) >= 3
    if word[:1] == "ت":
        return len(word) >= 4
    return word[:1] == "س" and len(word) >= 5 and word[1] in "يتن"


# «قد يشمل ذلك إدخال رقم الهاتف …», «يعتمد ذلك على …»: a demonstrative standing alone
# among the opening words: "this" is what the sentence before said («يبحث هؤلاء حاليا
# …»: who, the sentence before says; bullets-40k, SK-technology-541), also as the object
# of a preposition («يمكن القيام بذلك عبر …», «واحتاجوا لتحقيق ذلك …», «على النقيض من
# ذلك، …»: bullets-40s SK-technology-1530, BB-technology-272)
_BARE_DEMONSTRATIVES = frozenset(
    normalize(w) for w in ("ذلك", "هذا", "هذه", "تلك", "هؤلاء", "أولئك", "هذان", "هاتان")
)
_BARE_BACK_WORDS = frozenset(
    prefix + word for word in _BARE_DEMONSTRATIVES for prefix in ("", "ب", "ل", "وب", "ول")
)
# "then", "at that time": the time a sentence before told («كان المريخ حينها على بعد
# …», bullets-40t SK-technology-1211); never before a noun of their own
_BACK_TIMES = frozenset(
    normalize_word(w) for w in ("حينها", "آنذاك", "حينذاك", "عندئذ", "حينئذ", "وقتئذ", "يومئذ")
)
_BACK_OPENING = _BARE_BACK_WORDS | _BACK_TIMES
# «إلى», «إلا» normalised open with «ال» and are no noun («لتحقيق ذلك الى …»)
_NOT_DEFINITE = frozenset(normalize_word(w) for w in ("إلى", "إلا", "الى", "الا"))
# «الأهم من هذا وذاك»: "this and that", anything at all, no one thing said before
_AND_THAT = frozenset(normalize_word(w) for w in ("وذاك", "وذلك"))
# the opening words looked at, after the first (an opening demonstrative is one of
# `_DEPENDENT_OPENINGS`): the subject, object or fronted phrase of the first clause
_BACK_WINDOW = 4


def _bare_back_reference(tokens: Sequence[str]) -> bool:
    """Whether one of the bullet's second to fourth words is «ذلك/هذا/هذه/تلك/هؤلاء
    …» (also «بذلك/لذلك/بهذا …») standing alone, not before its definite noun («يشمل
    هذا التطبيق …» names what it means; «بما في ذلك» is "including"), or «حينها/آنذاك/
    عندئذ …». One set test rules out most bullets."""
    window = tokens[1:_BACK_WINDOW]
    if _BACK_OPENING.isdisjoint(window):
        return False
    for i, word in enumerate(window, 1):
        if word in _BACK_TIMES:
            return True
        if word not in _BARE_BACK_WORDS:
            continue
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if (
            (after.startswith("ال") and after not in _NOT_DEFINITE)
            or after in _AND_THAT
            or (word == "ذلك" and tokens[i - 1] == "في")
        ):
            continue  # «هذا التطبيق» (references.py's); «بما في ذلك»; «من هذا وذاك»
        return True
    return False


# "the latter", "the last one": the last of the things a sentence before listed
_LATTER = frozenset(
    normalize_word(w) for w in ("الأخير", "الأخيرة", "الأخيران", "الأخيرتان", "الأخيرين")
)
_POINTING_BACK = _BACK_OPENING | _LATTER
_AS_FOR = frozenset(normalize_word(w) for w in ("بالنسبة", "وبالنسبة"))
_DEFINITE_PREFIXES = ("ال", "وال", "بال", "فال", "كال", "لل", "ولل")


def _latter(tokens: Sequence[str]) -> bool:
    """Whether «الأخير/الأخيرة …» among the bullet's first four words means "the
    latter": standing alone («وكانت الأخيرة قد …», «هذه الأخيرة»; «في الأخير» is
    "finally"), or after the noun of an «بالنسبة لـ» opening («بالنسبة للفئة الأخيرة،
    …», bullets-40t BB-technology-218). After a noun elsewhere it is "last" or "recent"
    («للمرة الأخيرة», «في الآونة الأخيرة»)."""
    window = tokens[:_BACK_WINDOW]
    if _LATTER.isdisjoint(window):
        return False
    for i, word in enumerate(window):
        if word not in _LATTER:
            continue
        before = tokens[i - 1] if i else ""
        if not before.startswith(_DEFINITE_PREFIXES):
            return before != "في"
        if tokens[0] in _AS_FOR:
            return True
    return False


# Time openers after which a glued «ف» goes on with the story or reasoning of the
# sentence before («وأطلق هذا اليوم السيناتور …» then «فعندما زار السيناتور …»). Not
# «فإذا …»: a condition with its consequence is a statement of its own
_FA_OPENERS = frozenset(
    normalize_word(w) for w in ["عندما", "حين", "حينما", "لما", "بعدما", "عند", "بعد", "منذ"]
)


def fa_leans(sentence: str) -> bool:
    """Whether the sentence, as written, opens with «ف» glued to a time
    opener («فعندما …», «فمنذ …», «فبعد …»): "for when …", the story or reasoning of the
    sentence before goes on. `strip_connective` drops the «ف» (the rest reads as a
    sentence), so the summarizer asks this of the sentence itself: such a bullet is
    shown only with the sentence before it, like other leaning openings (bullets-40i,
    BB-technology-164)."""
    if sentence[:1] != "ف":
        return False  # most sentences: one comparison
    first = sentence[:16].split(maxsplit=1)[0]
    return normalize_word(first[1:].rstrip("،,")) in _FA_OPENERS


# «لكن المهمة لم تنته عند هذا الحد.», «وليس هذا كل شيء.»: a sentence that announces the
# next one (the outcome, the rest of the list) and says nothing itself
_UP_TO_HERE = (("عند", "هذا", "الحد"), ("عند", "ذلك", "الحد"))
_NOT_ENDED = wordset("تنته ينته تنتهي ينتهي تتوقف يتوقف")
_NOT_ALL = wordset("ليس وليس")
_ONLY = wordset("فحسب فقط شيء")


def announces_next(tokens: Sequence[str]) -> bool:
    """Whether a sentence (its normalised tokens) only announces the one after it: it
    ends «عند هذا الحد», is a short «… لم تنته.» (at most 8 words), or is «ليس هذا
    فحسب / كل شيء». Such a sentence is no bullet (what it announces is elsewhere)."""
    if len(tokens) < 2:
        return False
    if tuple(tokens[-3:]) in _UP_TO_HERE:
        return True
    if len(tokens) <= 8 and tokens[-2] == "لم" and tokens[-1] in _NOT_ENDED:
        return True
    return len(tokens) <= 5 and tokens[0] in _NOT_ALL and tokens[-1] in _ONLY
