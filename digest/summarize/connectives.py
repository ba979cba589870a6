"""Leading connectives dropped by rule (issue #13 point 3): `strip_connective` removes
«و/ف» when what follows is a word in its own right, «كما»، «لكن»، «وفي هذا السياق» …,
"However,", and keeps them when the rest needs them («كما هو الحال», «لكنّ» before its
accusative noun). Whether a sentence, stripped or not, still leans on the one before is
dependent.py's question."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from ..arabic import normalize, normalize_word
from .lexicon import conjunction_lexicon, wordset
from .residue import _OWN_FIRST_LETTER, conjunction_removable

__all__ = ["strip_connective"]


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
            "كما",
            "وكما",
            "ولكن",
            "لكن",
            "غير أن",
            "إلا أن",
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
_AR_AFTER_CONJUNCTION = wordset(
    """قد في من على عن إلى الى كان كانت يكون تكون تم هو هي هذا هذه ذلك تلك لم لا لن ما إن أن
    لكن قال قالت أكد أكدت أشار أشارت أضاف أضافت أوضح أوضحت أظهرت أظهر أعلن أعلنت يعد تعد يعتبر
    تعتبر يأتي تأتي بعد قبل مع بين عند منذ حتى لقد يقول تقول يرى ترى يمكن يجب بحسب حسب أصبح
    أصبحت بات باتت يشير تشير يضيف تضيف يؤكد تؤكد بدأ بدأت جاء جاءت شهد شهدت تمكن تمكنت يبلغ
    تبلغ بلغ بلغت"""
) | wordset(
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
_FORM_III_FEMININE = re.compile("^[\u0628-\u064a]ا[\u0628-\u064a][\u0621-\u0626\u0628-\u064a]ت$")
# «وارتفعت», «واستطاعت» (also misspelt: «وارتقعت»): a perfect verb of the eighth or
# tenth form, feminine (افتعلت / استفعلت, normalised); none of the lexicon's own-و
# words has the shape
_FORM_VIII_X_FEMININE = re.compile(
    "^(?:ا[\u0628-\u064a]ت[\u0621-\u064a]{2}|است[\u0621-\u064a]{3})ت$"
)
_NOT_CONJUNCTION_BEFORE_VERB = wordset(
    "سيلة سيله سيلتها سيلته سيلتين سيط سيطة سيطه سيطا سيم سيمة سيمه"
)
_AR_NOT_CONJUNCTION_AL = wordset("والد والدة والده والدته والدها والي والتر فالنسيا")
_KAMA = frozenset(normalize(w) for w in ("كما", "وكما"))
_KADHALIK = frozenset(normalize(w) for w in ("كذلك", "وكذلك"))
# After these, "كما" means "as" ("كما هو الحال", "كما قال الوزير"), not "also"
_AFTER_KAMA_AS = wordset(
    normalize(
        """هو هي هم هن في لو يلي ذكر ذكرت ذكرنا قال قالت يقول تقول كان كانت نعلم يعلم
        تعلم أشرنا أشار أشارت سبق جاء جاءت"""
    )
)
_KAMA_PRONOUN = wordset(normalize("أنه أنها أنهم أنهما أنهن"))
_KAMA_SAYING = wordset(normalize("قال قالت يقول تقول ذكر ذكرت أشار أشارت"))
_KAMA_THAT = wordset(normalize("إن أن إنه إنها أنه أنها"))
# «وكما بات معلوما للجميع فإن …»: "as …, X": the «فإن» completes the clause «كما» opened
# (as written, hamza and all: «كما قال فان إن …» names Van, normalised «فان» too)
_KAMA_ANSWER = frozenset(("فإن", "فإنه", "فإنها", "فإنهم", "فإنهما", "فإننا"))
# «كما أكد أنه رغم …، فإنه …», «كما اعتبر أنه للعمل … فإن …»: a «فإن» after one of these
# answers the clause they open inside the sentence, not «كما»
_KAMA_INNER = wordset(normalize("أن أنه أنها إن إنه إنها رغم ورغم برغم بالرغم إذا وإذا لو ولو"))
_KAMA_ANSWER_WINDOW = 14
# demonstratives, particles and adverbs ending in ا («لكن بدلا من …», «لكن أيضا …»):
# dropping «لكن» before them leaves a sentence
_NOT_ACCUSATIVE = wordset(
    normalize(
        """هذا ماذا لماذا إذا كذا هكذا أيضا هنا هناك لذا حينذاك ربما وربما بدلا خلافا
        تماما طبعا غالبا أحيانا دائما فعلا حاليا لاحقا سابقا مثلا أولا ثانيا أخيرا
        عندما بينما حينما كلما مثلما طالما ريثما إنما حيثما أينما كيفما قلما ألا إلا"""
    )
)
# particles of the «إنّ» family that a leading-phrase match may drop: each may govern an
# accusative noun (`_lakin_governs`)
_WA_LIANNA = frozenset(("ولأن", "ولان"))
_MIN_WA_ISTAF = 6  # «واستدل»
_IDH = frozenset(("إذ", "وإذ", "اذ", "إذ،"))
_LAKIN = frozenset(normalize(w) for w in ("لكن", "ولكن", "إلا أن", "غير أن", "كما أن"))
# «ولكن هناك غموضا …»: an adverb that stands before the particle's delayed noun
_BEFORE_DELAYED_NOUN = wordset(normalize("هناك هنا ثمة ثمه"))
# «لكن لدى الشركة خططا …»: a preposition whose object stands before the delayed noun
_PREPOSITIONS = wordset(normalize("في من على عن إلى لدى عند مع بين"))
_MIN_PARTICIPLE_PLURAL = 6  # «مسؤولين», «منتقدين»; «ماكين» (McCain) is shorter
_MIN_CONSTRUCT_PLURAL = 5  # «منتقدي», «مستخدمي»
_BUT_THAT = frozenset(("إلا", "الا", "غير"))
# Impersonal openings after «إلا أنه»: the pronoun refers to no one
_IMPERSONAL = frozenset(
    normalize_word(w) for w in ("يجب", "ينبغي", "يتعين", "يمكن", "من", "تم", "يبدو", "لابد")
)
# Definite words ending in «ين» that are names or singulars, not a plural or dual in the
# accusative: after «لكن» they read the same with it or without it.
_NOT_PLURAL_IN = wordset(normalize("البحرين"))
_MIN_DEFINITE_PLURAL = 7  # «الصين», «الدين», «اليمين», «الحسين» are shorter
_AR_PHRASE_WORDS = {normalize(p): len(p.split()) for p in _AR_LEADING_PHRASES}
# longest phrase first, so that "كما أن" wins over "كما"
_AR_PHRASE_START = re.compile(
    "^("
    + "|".join(re.escape(k) for k in sorted(_AR_PHRASE_WORDS, key=len, reverse=True))
    + ")(?=[ ،,])"
)
_AR_PHRASE_FIRST_WORDS = frozenset(phrase.split(" ", 1)[0] for phrase in _AR_PHRASE_WORDS)
# Plain Arabic letters whose folded form begins no phrase: a text starting with one of
# them starts its normalised form with that folded letter, so no phrase can match
_AR_NO_PHRASE_LETTERS = frozenset(
    letter
    for letter in map(chr, range(0x0621, 0x064B))
    if letter != "\u0640" and normalize(letter)[:1] not in {w[0] for w in _AR_PHRASE_FIRST_WORDS}
)
_AR_SAFE_REMAINDERS = frozenset(normalize(w) for w in _AR_AFTER_CONJUNCTION)
_AR_NOT_CONJUNCTION_KEYS = frozenset(normalize(w) for w in _AR_NOT_CONJUNCTION_AL)
_EN_LEADING = re.compile(
    r"^(?:and|but|also|however|moreover|meanwhile|furthermore|in addition|additionally|"
    r"besides|still|yet|so|then|thus|therefore)\b,?\s+",
    re.IGNORECASE,
)


def _may_open_with_phrase(first: str) -> bool:
    """Whether `_AR_PHRASE_START` may match the normalised start of a text whose first
    word (what precedes its first space) is `first`. Normalising works character by
    character and a space starts a new normalisation segment, so the normalised text
    begins with the normalised word and a space: unless that word begins a phrase (or
    holds a separator of its own), no phrase matches. One word is normalised much
    faster than the 60 characters the pattern reads, and most sentences fail here."""
    if first[:1] in _AR_NO_PHRASE_LETTERS:
        return False
    if len(first) >= 60:
        return True  # the 60 characters end inside the word
    folded = normalize_word(first)
    return folded in _AR_PHRASE_FIRST_WORDS or " " in folded or "،" in folded or "," in folded


def _kama_is_needed(rest: str) -> bool:
    """Whether «كما» before `rest` is part of the sentence: "as" («كما هو الحال»، «كما
    قال الوزير، …») or "also" with a pronoun for subject («كما أنها ليست …»). «كما يقول
    موقع cnet إنه …», «كما ذكرت صحيفة X، أن …» (a verb of saying, then «إن/أن» before
    any comma or right after the first) is "also": the rest is a sentence of its own.
    «كما» whose clause a «فإن» completes within the next 14 words («كما بات معلوما
    للجميع فإن …») is "as": dropping it leaves «بات … فإن …», no sentence."""
    for word in rest.split(maxsplit=_KAMA_ANSWER_WINDOW)[:_KAMA_ANSWER_WINDOW]:
        bare = _strip_marks(word.strip("،,"))
        if normalize_word(bare) in _KAMA_INNER:
            break
        if bare in _KAMA_ANSWER:
            return True
    words = rest.split(maxsplit=9)
    first = normalize_word(words[0])
    if first in _KAMA_PRONOUN:
        return True
    if first not in _AFTER_KAMA_AS:
        return False
    if first in _KAMA_SAYING:
        for k, word in enumerate(words[1:8], 2):
            if normalize_word(word.strip("،,")) in _KAMA_THAT:
                return False
            if word.endswith(("،", ",", ":")):
                following = words[k : k + 1]
                return not (following and normalize_word(following[0]) in _KAMA_THAT)
    return True


def _lakin_governs(rest: str) -> bool:
    """Whether «لكنّ/إلا أنّ/غير أنّ» before `rest` governs a noun whose written form
    shows the accusative: dropping the particle would leave that noun as a subject in the
    wrong case. Kept, the sentence leans on the one before (depends_on_previous). The
    noun is the next word, or the word after an adverb («هناك غموضا …», «ثمة») or a
    preposition and its object («لكن لدى الشركة خططا …») that stand before it. It
    shows the accusative when it ends in tanween fatha («حكماً»); ends in the alif of an
    unwritten one, and so does the word after it or «من» follows («لكن حكما قضائيا
    …», «لكن عددا من …»; after an adverb or preposition the alif alone); is a definite
    plural or dual in «ين» («لكن الباحثين طوروا …»: without it, «الباحثون»); or is an
    indefinite sound plural of a participle, in «ين» («لكن مسؤولين قالوا …») or in «ي»
    before its definite complement («إلا أن منتقدي التطبيق يرون …»: «منتقدو»). A verb,
    a name ending in ا («لكن روسيا أعلنت») or a noun whose case does not show («إلا أن
    الشركة أعلنت …») reads the same without the particle: it is dropped."""
    written = rest.split(maxsplit=4)[:4]
    words = [w.rstrip("،,.:!?؟") for w in written]
    first = normalize_word(words[0])
    if first in _BEFORE_DELAYED_NOUN and not written[0].endswith(("،", ",")):
        return len(words) > 1 and _shows_accusative(words[1:], delayed=True)
    if first in _PREPOSITIONS and len(words) > 2:
        # «لكن في المقابل، عندما …»: a comma after the phrase ends it, a clause follows
        delayed = not written[1].endswith(("،", ","))
        return _shows_accusative(words[2:], delayed=delayed)
    return _shows_accusative(words, delayed=False)


def _shows_accusative(words: Sequence[str], *, delayed: bool) -> bool:
    """Whether `words[0]` (punctuation stripped; `words[1]` the word after it) is a noun
    whose written form shows the accusative (see `_lakin_governs`). `delayed`: it comes
    after an adverb or prepositional phrase, where an indefinite word in ا can only be
    the particle's noun («هناك غموضا بشأن …»)."""
    first = words[0]
    if normalize_word(first) in _NOT_ACCUSATIVE:
        return False
    if first.endswith(("\u064b\u0627", "\u0627\u064b", "\u064b")):
        return True
    if (
        first.startswith("ال")
        and first.endswith("ين")
        and len(first) >= _MIN_DEFINITE_PLURAL
        and normalize_word(first) not in _NOT_PLURAL_IN
    ):
        return True  # «لكن الباحثين طوروا …»: without «لكن» the subject's case is wrong
    if _participle_plural(first, words[1] if len(words) > 1 else ""):
        return True
    if len(words) > 1 and _accusative_follower(first, words[1]):
        return True  # «إلا أن خبراء فيزيائيين وأطباء …»: without it, «فيزيائيون»
    if not _unwritten_accusative(first):
        return False
    if delayed:
        return True
    if len(words) < 2:
        return False
    second = words[1]
    return second == "من" or _unwritten_accusative(second.removeprefix("و"))


_MIN_NISBA_PLURAL = 6  # «صينيين»; «ثانيين» is no nisba, «يين» alone too short


def _accusative_follower(noun: str, word: str) -> bool:
    """Whether `word`, right after a noun whose case does not show («خبراء», «علماء»,
    «الخبراء»), shows the accusative for both: an adjective, a nisba plural in «يين» of
    the noun's definiteness («خبراء فيزيائيين», «علماء أمريكيين», «الخبراء
    الأمريكيين»), or a participle plural («خبراء مختصين»); or a coordinated noun
    («خبراء ومسؤولين», «خبراء وأطباءً»). Without the particle, the noun is a subject
    and these read in the wrong case (bullets-40m, SK-technology-1166)."""
    coordinated = word.startswith("و") and len(word) > 3
    bare = word[1:] if coordinated else word
    if bare.startswith("ال") != noun.startswith("ال"):
        return False  # «خبراء الشركة»: a construct, the noun's complement
    if bare.endswith("يين") and len(bare) >= _MIN_NISBA_PLURAL:
        return True
    if _participle_plural(bare, "x"):
        return bare.endswith("ين")
    return coordinated and bare.endswith(("\u064b\u0627", "\u0627\u064b", "\u064b"))


def _participle_plural(word: str, following: str) -> bool:
    """An indefinite sound masculine plural of a participle (م…) in the accusative: in
    «ين» («مسؤولين», «منتقدين»; at least six letters) or, before its complement, in «ي»
    as the first term of a construct («منتقدي التطبيق», «مستخدمي أجهزة أندرويد»; five)."""
    if word[:1] != "م" or word.startswith("ال"):
        return False
    if word.endswith("ين") and len(word) >= _MIN_PARTICIPLE_PLURAL:
        return True
    return word.endswith("ي") and len(word) >= _MIN_CONSTRUCT_PLURAL and bool(following)


def _unwritten_accusative(word: str) -> bool:
    """A word that may be an indefinite accusative whose tanween is not written: it
    ends in ا, has at least three letters and is no demonstrative or particle."""
    return (
        len(word) >= 3
        and word.endswith("ا")
        and not word.startswith("ال")
        and normalize_word(word) not in _NOT_ACCUSATIVE
    )


def _strip_marks(word: str) -> str:
    """`word` without its short vowels, tanween, shadda and sukun (U+064B-U+0652)."""
    return "".join(c for c in word if not "\u064b" <= c <= "\u0652")


def _idh_before_verb(rest: str) -> bool:
    """Whether the word after a leading «إذ» is a verb: an imperfect of the third person
    («يمكن», «تشير»; four letters or more), «تم», or a perfect in «ت» («حجزت», «أعلنت»).
    «إذ» (light, "since") governs nothing: dropped there, the sentence stands as
    written. Before «إن/أن/إنه» («إذ إنه …») or a noun it stays, and the sentence leans on
    the one before (depends_on_previous)."""
    word = normalize_word(rest.split(maxsplit=1)[0].strip("،,"))
    if word == "تم":
        return True
    if len(word) < 4 or word.startswith("ال"):
        return False
    return word[0] in "يت" or word.endswith("ت")


def _kadhalik_lists(text: str, rest: str) -> bool:
    """Whether «كذلك/وكذلك» before `rest` (no comma after it) adds an item to a list the
    sentence before opened («وكذلك مبنى سكني للطلاب …»): what follows is no verb (an
    imperfect or future, a listed verb or particle, a perfect ending in ت or hamzated).
    Dropping it would leave a sentence with no verb; kept, the sentence leans on the one
    before (depends_on_previous)."""
    if text.split(maxsplit=1)[0].endswith(("،", ",")):
        return False  # «كذلك، …»: "likewise", a sentence of its own follows
    first = normalize_word(rest.split(maxsplit=1)[0].strip("،,"))
    if first in _AR_SAFE_REMAINDERS or first.startswith(("ي", "ت", "س", "لا", "لم", "لن", "قد")):
        return False
    if len(first) >= 4 and first.endswith("ت"):
        return False  # «كذلك أعلنت …»
    return not (rest[:1] in "أإ" and len(first) >= 4)


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
    if first in _BUT_THAT and rest[:4] in ("أنه ", "انه "):
        # «إلا أنه يجب الانتباه إلى …»: «أنه» of no one (ضمير الشأن) before an
        # impersonal verb or phrase: "however, one must …" reads the same without it
        following = rest[4:]
        if normalize_word(following.split(maxsplit=1)[0] if following else "") in _IMPERSONAL:
            return following
        return text
    if first in _IDH and rest and _idh_before_verb(rest):
        # «إذ تشير دراسة جديدة إلى …»: "since" before a verb; the rest is a sentence
        return rest
    phrase = _AR_PHRASE_START.match(normalize(text[:60])) if _may_open_with_phrase(first) else None
    if phrase:
        words = _AR_PHRASE_WORDS[phrase.group(1)]
        parts = text.split(maxsplit=words)
        if len(parts) > words and not (
            # "كما هو الحال", "كما قال": "as", not "also" - the rest needs it; «كما أنها
            # ليست …»: the pronoun is the subject (depends_on_previous says so)
            (phrase.group(1) in _KAMA and _kama_is_needed(parts[words]))
            or (phrase.group(1) in _KADHALIK and _kadhalik_lists(text, parts[words]))
            or (phrase.group(1) in _LAKIN and _lakin_governs(parts[words]))
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
    if bare in _WA_LIANNA and ("،" in rest or "," in rest):
        # «ولأن الحدث هو الأكبر …، فقد شهد …»: a reason clause and the main clause it
        # comes before, a sentence of its own once its «و» goes (without a comma,
        # «لأن …» answers the sentence before and stays joined)
        return text[1:]
    if len(bare) > 1 and bare[0] in "وف":
        remainder = bare[1:]
        # the text after the conjunction letter, as written: a comma after the first
        # word stays ('وبالإضافة، …' -> 'بالإضافة، …'; the rest is never changed)
        without = text[len(first) - len(first.lstrip("،,")) + 1 :]
        folded_remainder = normalize_word(remainder)
        # "وتتراوح", "وتشمل": و before an imperfect verb of the third person feminine
        # (no common word begins with وت but "وتيرة" and "وتر")
        if (
            bare[0] == "و"
            and remainder[:1] == "ت"
            and len(remainder) >= 3
            and not folded_remainder.startswith("تير")
            and folded_remainder not in {"تر", "تري", "تره", "ترا"}
        ):
            return without
        if (
            bare[0] == "و"
            and _CONJUNCTION_BEFORE_VERB.match(remainder)
            and remainder not in _NOT_CONJUNCTION_BEFORE_VERB
            and not remainder.startswith("ستمنستر")
        ):
            return without
        # (remainders are matched without hamza: "والي", a governor, is not "وإلى")
        if folded_remainder in _AR_SAFE_REMAINDERS and bare not in _AR_NOT_CONJUNCTION_AL:
            return without
        if (
            folded_remainder.startswith("ال")
            and len(folded_remainder) >= 4
            and normalize_word(bare) not in _AR_NOT_CONJUNCTION_KEYS
        ):
            return without  # «والشركة», «فالهدف»: no word begins with وال or فال
        # "وأظهرت", "وأشار": hamzated perfect verbs after the conjunction
        if bare[0] == "و" and remainder[:1] in {"أ", "إ"} and len(remainder) >= 4:
            return without
        # «وفاجأت», «وطالبت»: a perfect verb of the third form, feminine (فاعلت); no
        # word whose و is its own has that shape (plurals such as «وزارات» have ا
        # before their ت, and the lexicon's own words none of it)
        if bare[0] == "و" and _FORM_III_FEMININE.match(remainder):
            return without
        if bare[0] == "و" and _FORM_VIII_X_FEMININE.match(folded_remainder):
            return without
        # «وأدى», «وأتى»: a defective perfect verb, hamza written (the own-و «وادي»,
        # «والي» are written with a bare alif and a ي)
        if (
            bare[0] == "و"
            and remainder[:1] == "أ"
            and remainder[-1:] == "ى"
            and len(remainder) == 3
        ):
            return without
        # «ولمزيد», «وبسرعة»: the conjunction before لـ/بـ and a word the lexicon says is
        # one of its own (و + the word is a conjunction there), unless the whole is an
        # own-و word of the lexicon («ولاية», «وليد»)
        if (
            bare[0] == "و"
            and remainder[:1] in "لب"
            and len(folded_remainder) >= 4
            and _conjunction_before_own_word(normalize_word(bare))
        ):
            return without
        # «واستدل», «واستخدام»: the conjunction before a word of the tenth form (no word
        # of its own begins with واست)
        if bare.startswith("واست") and len(bare) >= _MIN_WA_ISTAF:
            return without
        # "ولتفعيل", "وللمرة": the conjunction before the preposition لـ (no word of its
        # own begins with ولل or ولت)
        if bare[0] == "و" and remainder.startswith(("لل", "لت")) and len(remainder) >= 5:
            return without
        if conjunction_removable(normalize_word(bare), article_words):
            return without
    return text


def _conjunction_before_own_word(word: str) -> bool:
    """Whether `word` (normalised, «ولمزيد») is و, a preposition لـ/بـ and a word whose
    و-form the conjunction lexicon lists as a conjunction («ومزيد»), and not itself an
    own-و word of the lexicon or the list."""
    lexicon = conjunction_lexicon()
    if word in lexicon.own or word in _OWN_FIRST_LETTER:
        return False
    return "و" + word[2:] in lexicon.conjunction
