"""What must not be left in a bullet, by rule: datelines and agency tags, hashtags,
calls to action and app promos, and leading connectives that lean on the sentence
before. The checks (`has_*`) are what `newsdigest eval bullets` counts; the cleaners
(`strip_agency_dateline`, `unhash`) are what the bullets apply. All regexes here are
linear (no nested quantifiers over the same characters)."""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

from ..arabic import normalize, normalize_word, tokenize
from .lexicon import conjunction_lexicon

__all__ = [
    "CALL_TO_ACTION_TOKENS",
    "conjunction_removable",
    "fact_keys",
    "has_call_to_action",
    "has_dateline",
    "has_hashtag",
    "has_leading_connective",
    "is_call_to_action",
    "leans_on_previous",
    "quote_leans_back",
    "strip_agency_dateline",
    "unhash",
]

# News agencies' tags in parentheses: "(CNN)", "(أ ف ب)", "(رويترز)", "(د ب أ)".
_AGENCY = (
    r"\(\s*(?:CNN|BBC|AFP|AP|Reuters|DPA|ANSA|Xinhua|رويترز|أ\s*\.?\s*ف\s*\.?\s*ب|"
    r"د\s*\.?\s*ب\s*\.?\s*أ|ا\s*ف\s*ب|أسوشيتد\s+برس|شينخوا|وام|واس|قنا|كونا|بترا|سانا)\s*\)"
)
_DASHES = "-–—―‒"
# A place and an agency tag, then any dash or colon: "نيويورك، الولايات المتحدة (CNN)— ".
# The place is at most 60 characters without a stop or a parenthesis (linear: one
# bounded run, then the tag).
_AGENCY_DATELINE = re.compile(
    r"^[^\n.!?؟()]{0,60}?" + _AGENCY + r"\s*(?:[" + _DASHES + r"]+|:\s*-?|،)?\s*",
    re.IGNORECASE,
)
# A dateline without a tag: a short place, then "--", ":-" or a spaced em/en dash.
_PLACE_DASH = re.compile(r"^[^\n!?؟:.\-–—]{2,40}?\s*(?:--|:\s*-|\s[–—]\s*)\s*(?=\S)")
_HASHTAG_WORD = re.compile(r"#(?=[^\W\d_])")
# a marker at a word's start ("#واتساب"), also after a glued «و/ف/ب/ل» ("و#الصور":
# the prefix is typed before the tag), not inside a name ("C#")
_HASHTAG_MARK = re.compile(
    r"(?:(?<=\s)|^|(?<=[«\"(])|(?<=[\s«\"(][وفبل])|(?<=^[وفبل]))#(?=[^\W\d_])"
)
# "ABetaInfo# لوحظ": a marker typed after the word (right-to-left typing of "#Word"),
# after at least two letters ("C#", "F#" stay) and before no letter
_HASHTAG_TRAILING = re.compile(r"(?<=[^\W\d_]{2})#(?![^\W\d_#])")
# "الأخبار_المضللة": an underscore joining two words of a hashtag
# (Arabic letters only: "snake_case" in a tutorial stays)
_UNDERSCORE_JOIN = re.compile(r"(?<=[\u0621-\u064A])_(?=[\u0621-\u064A])")
# Calls to action and app promos. Plural imperatives of following/watching/downloading,
# and "download the app" in either language.
_CALL_TO_ACTION = re.compile(
    r"(?:^|[\s«\"(])(?:تابعوا|شاهدوا|حملوا|حمّلوا|اشتركوا|ادخلوا|سجلوا|اضغطوا|انقروا|"
    r"تابع\s+(?:المباراة|البث)\s+مباشرة|حمّ?ل\s+تطبيق)(?=[\s:،,.])"
    # a singular imperative opening the sentence, right before a channel or "now"
    # («تابع آخر الأخبار …», «شاهد الآن على موقع …», «حمّل التطبيق من …»): these
    # imperatives are also past verbs («تابع الباحثون …»), so nothing may come between
    r"|^\W{0,3}(?:تابع|تابعي|شاهد|حمل|حمّل|نزل|نزّل|اشترك|سجل|سجّل|ادخل)\s+"
    r"(?:الآن|الان|مباشرة|عبر|على\s+(?:موقع|تطبيق|قناة|صفحة|حساب)|التطبيق|تطبيق"
    r"|(?:آخر|أحدث)\s+(?:الأخبار|الاخبار|المستجدات))(?=[\s:،,.])"
    r"|(?:^|\s)(?:للمزيد|لمزيد)\s+من\s+(?:الأخبار|الاخبار)|(?:^|\s)يمكنكم\s+متابعة"
    r"|download\s+(?:the|our)\s+app|follow\s+us",
    re.IGNORECASE,
)
# The words without which `_CALL_TO_ACTION` cannot match, as tokens (normalised): a
# bullet whose tokens hold none of them is no call to action
CALL_TO_ACTION_TOKENS = frozenset(
    tokenize(
        """تابعوا شاهدوا حملوا اشتركوا ادخلوا سجلوا اضغطوا انقروا تابع تابعي شاهد حمل نزل
        اشترك سجل ادخل للمزيد لمزيد يمكنكم download follow شاهدي اقرأ اقرئي اقرأوا اقرؤوا
        إقرأ استمع استمعي استمعوا"""
    )
)
_CALL_TO_ACTION_STEMS = (
    *("تابع", "شاهد", "حمل", "حمّل", "اشترك", "ادخل", "سجل", "سجّل", "اضغط", "انقر"),
    *("نزل", "نزّل", "مزيد", "يمكنكم"),
)
# Openings that need the sentence before, whatever follows them.
_LEANING_WORDS = frozenset(
    tokenize("كما وكما لكن ولكن لكنه لكنها إذ بينما وبينما كذلك وكذلك أيضا وأيضا ثم لذلك ولذلك")
)
# Words whose first letter و/ف is their own (not a conjunction), although what follows
# it is a word too: "فتحت" (opened) is not ف + "تحت" (under).
_OWN_FIRST_LETTER = frozenset(
    tokenize(
        """فتحت فتح فتحه فقط فوق فيما فإن فان وفق وفقا وقت ولد وجه وجود وضع وصل وصف
        وسط وكل وزن وعد وفر وقف ولي وراء وهم فهم فرق فيه فيها وحدة وحدات فكرة وافق وافقت
        واحد واحدة ورد وردت وعود فرد فردي وطن وطني وطنية وسائل فعلا فعل ورقة وقود فنية
        فني فنيا وفاء فور فورا ولاية وصفت وصفه وجهة فصل"""
    )
)


# Openings that point back to the sentence before (run on the normalised start of a
# bullet): "مع ذلك"; a demonstrative with its noun ("هذه الأمور ..."); a verb of saying
# whose speaker is only a pronoun ("أضاف: «...»", "وتابع قائلا", "وأضافت أن ...").
_LEANS_BACK = re.compile(
    # «قد قال إنه», «ولقد أضاف»: the same openings after the particle قد
    r"^(?:و?(?:ل?قد) )?(?:و?(?:مع|رغم|بالرغم من) ذلك"
    r"|و?(?:هذا|هذه|هذان|هاتان|هولاء|تلك) ال\S"
    r"|و?لكن(?:ه|ها|هم)? "
    r"|و?(?:اضاف|اضافت|تابع|تابعت|قال|قالت|اوضح|اوضحت|اكد|اكدت|اشار|اشارت|لفت|لفتت|شدد|شددت"
    r"|اردف|اردفت|ختم|ختمت|اختتم|اختتمت)"
    # «وختمت حديثها: "…"», «وتابع كلامه قائلا»: the talk of someone the sentence before
    # named (bullets-40k, AL-technology-242)
    r"(?: (?:حديث|كلام|تصريح|تصريحات|حوار|مداخلت|كلمت)(?:ه|ها|هم))?"
    r"\s*(?:[:«\"“]|ان |انه |انها |قايلا|قايله|مضيفا|مضيفه|بالقول|بقول)"
    # a speaker named only by a noun that refers back ("أوضح المصدر أن", "ذكرت الصحيفة
    # أنها"): which source or paper, the sentence before says. («قالت الشركة إن» is left
    # out: the company is nearly always the article's own, named in the lead.)
    r"|و?(?:اضاف|اضافت|قال|قالت|اوضح|اوضحت|اكد|اكدت|ذكر|ذكرت|يقول|تقول|يضيف|تضيف)"
    r" (?:المصدر|الصحيفه|الوكاله|المتحدث|المسؤول)\s*،?\s*(?:ان|انه|انها) "
    # a speaker who is only the verb's pronoun, before "إلى أن" or a bare "أن"
    # ("أشار إلى أنه", "خلصت إلى أن", "اعتبر أن"): who, the sentence before says
    r"|و?(?:اشار|اشارت|لفت|لفتت|نوه|نوهت|خلص|خلصت) الي (?:ان|انه|انها) "
    r"|و?(?:اعتبر|اعتبرت|راي|رات|يري|تري|ذكر|ذكرت) (?:ان|انه|انها) "
    # a plural pronoun for speaker («أضافوا أن», «قالوا إن», «يقولون»): who, the sentence
    # before says
    r"|و?(?:اضافوا|قالوا|اوضحوا|اكدوا|اشاروا|لفتوا|شددوا|ذكروا|اعتبروا|يقولون|يضيفون)"
    r"\s*(?:[:«\"“]|ان |انه |انها |الي |قايلين|مضيفين)"
    # a verb of saying or writing whose speaker is only its pronoun, before where he
    # said it («كتب في تغريدة: "…"», «قال في بيان إن …»): who, the sentence before says
    # (bullets-40s, BB-technology-288)
    r"|و?(?:قال|قالت|كتب|كتبت|غرد|غردت|اضاف|اضافت|اوضح|اوضحت|اكد|اكدت|ذكر|ذكرت|صرح|صرحت"
    r"|علق|علقت) (?:في|عبر|علي|خلال|امام) \S+(?: \S+){0,2}? ?(?:[:«\"“]|ان |انه |انها )"
    # «في حالة أخرى», «وفي دراسة أخرى», «مرة أخرى»: another one than the one told before
    r"|و?(?:في|من|ب|علي) ?\S+ (?:اخري|اخر)\b|مره اخري)"
)
_KAMA_AS = frozenset(
    tokenize(
        """هو هي هم هن في لو يلي ذكر ذكرت ذكرنا قال قالت يقول تقول كان كانت نعلم يعلم
        تعلم أشرنا أشار أشارت سبق جاء جاءت"""
    )
)


# The first words `_LEANS_BACK` can match (normalised, with or without و): a cheap
# set lookup rules out most bullets before the text is normalised for the pattern.
_LEANS_BACK_FIRST = frozenset(
    word
    for base in tokenize(
        """مع رغم بالرغم هذا هذه هذان هاتان هؤلاء تلك لكن لكنه لكنها لكنهم اضاف اضافت
        تابع تابعت قال قالت اوضح اوضحت اكد اكدت اشار اشارت لفت لفتت شدد شددت ذكر ذكرت
        يقول تقول يضيف تضيف نوه نوهت خلص خلصت اعتبر اعتبرت رأى رأت يرى ترى اضافوا قالوا
        اوضحوا اكدوا اشاروا لفتوا شددوا ذكروا اعتبروا يقولون يضيفون أردف أردفت ختم ختمت
        اختتم اختتمت كتب كتبت غرد غردت صرح صرحت علق علقت"""
    )
    for word in (base, "و" + base)
)
# First words that are common on their own: «قد» matters only before a verb of saying
# (the word after it is one of the above), a preposition only before «أخرى/آخر»
_PARTICLE_FIRST = frozenset(tokenize("قد لقد وقد ولقد"))
_ANOTHER_FIRST = frozenset(tokenize("في وفي من ومن ب وب على وعلى مرة"))


def leans_on_previous(bullet: str, first_word: str | None = None) -> bool:
    """The bullet's opening points back to a sentence that is not shown.
    `first_word`: the bullet's first token (normalised) when known."""
    if first_word is None:
        words = tokenize(bullet[:24])
        first_word = words[0] if words else ""
    if first_word not in _LEANS_BACK_FIRST:
        if first_word in _PARTICLE_FIRST:
            second = tokenize(" ".join(bullet.split(maxsplit=2)[1:2]))
            if not second or second[0] not in _LEANS_BACK_FIRST:
                return False
        elif first_word not in _ANOTHER_FIRST or "خر" not in bullet[:40]:
            return False
    return bool(_LEANS_BACK.match(normalize(bullet[:48])))


# «هذه هي كل العينات …»: a quotation opening with a demonstrative points at what the
# sentence before it told (sheet 40f, SK-technology-1406)
_QUOTED_DEMONSTRATIVES = frozenset(
    tokenize("هذا هذه ذلك تلك هؤلاء هذان هاتان وهذا وهذه وذلك وتلك فهذا فهذه")
)
# Words that introduce a written text quoted whole (a message, a sign), whose «هذا» is
# that text itself
_QUOTES_A_TEXT = frozenset(
    tokenize("نصها نصه ونصها نص رسالة الرسالة عليها عليه فيها فيه كتب مكتوب نصت")
)
# A longer quotation mostly names what its demonstrative means within itself
_SHORT_QUOTE_WORDS = 15


def quote_leans_back(bullet: str) -> bool:
    """The bullet's words said (after «:» and an opening quote mark) are a short
    quotation that opens with a demonstrative: it leans on the sentence before."""
    colon = bullet.find(":")
    while colon >= 0:
        rest = bullet[colon + 1 : colon + 200].lstrip()
        if rest[:1] in '"«“' and not _QUOTES_A_TEXT.isdisjoint(
            tokenize(bullet[max(0, colon - 40) : colon])[-3:]
        ):
            pass  # «رسالة نصها: "هذا اختبار …"»: «هذا» is the message quoted itself
        elif rest[:1] in '"«“':
            quoted = rest[1:]
            ends = [at for at in (quoted.find(m) for m in '"»”') if at >= 0]
            words = quoted[: min(ends)].split() if ends else quoted.split()
            if 0 < len(words) <= _SHORT_QUOTE_WORDS:
                first = tokenize(words[0])
                if first and first[0] in _QUOTED_DEMONSTRATIVES:
                    return True
        colon = bullet.find(":", colon + 1)
    return False


def strip_agency_dateline(text: str) -> str:
    """Remove a leading dateline: a place with an agency tag and any dash ("دبي،
    الإمارات (CNN)— ..."), or a short place followed by "--", ":-" or a spaced dash.
    The text is returned unchanged when fewer than four words would be left."""
    head = text[:120]
    # a tag opens within the place's 60 characters and closes soon after
    opening = head.find("(", 0, 66)
    if opening >= 0 and head.find(")", opening, opening + 24) >= 0:
        match = _AGENCY_DATELINE.match(text)
        if match and match.end() > 0:
            rest = text[match.end() :]
            if len(rest.split()) >= 4:
                return rest
    near = text[:48]  # a place of at most 40 characters, then the dash
    if "-" in near or "–" in near or "—" in near:
        match = _PLACE_DASH.match(text)
        if match and not _dash_closes_soon(text, match.end()):
            rest = text[match.end() :]
            if len(rest.split()) >= 4:
                return rest
    return text


_PARENTHETICAL_REACH = 80  # characters after an opening dash where its closing one is sought


def _dash_closes_soon(text: str, start: int) -> bool:
    """Whether a dash closing a parenthetical (after a letter, before no letter: «عادة-
    هي», «العراقية– تحظى») follows `start` within _PARENTHETICAL_REACH characters: the
    dash before `start` opened it and is no dateline's («رغم أن البطة المطاطية –صفراء
    اللون عادة- هي …», bullets-40t SK-technology-384: stripping «… المطاطية –» started
    the bullet inside the parenthetical). "Wi-Fi", "20-30" close nothing; a diacritic
    before the dash counts as its letter («عادةً-»)."""
    end = min(len(text), start + _PARENTHETICAL_REACH)
    for at in range(start + 1, end):
        if text[at] not in _DASHES or text[at + 1 : at + 2].isalpha():
            continue
        before = text[at - 1]
        if before.isalpha() or "\u064b" <= before <= "\u0652":
            return True
    return False


def unhash(text: str) -> str:
    """Hashtags read as words: "#الأخبار_المضللة" -> "الأخبار المضللة", "ABetaInfo# لوحظ"
    -> "ABetaInfo لوحظ" ("C#" stays)."""
    if "#" in text:
        text = _HASHTAG_TRAILING.sub("", _HASHTAG_MARK.sub("", text))
    if "_" in text:
        text = _UNDERSCORE_JOIN.sub(" ", text)
    return text


def has_dateline(bullet: str) -> bool:
    """The bullet starts with a dateline or an agency tag."""
    return strip_agency_dateline(bullet) != bullet or bool(
        re.search(_AGENCY, bullet[:80], re.IGNORECASE)
    )


def has_hashtag(bullet: str) -> bool:
    """A hashtag marker before a word, or words joined by an underscore."""
    return bool(
        _HASHTAG_WORD.search(bullet)
        or _HASHTAG_TRAILING.search(bullet)
        or _UNDERSCORE_JOIN.search(bullet)
    )


# Imperatives of watching, following, reading or listening. Most are also past verbs
# («شاهد الملايين المباراة.», «تابع الباحثون …»), so they make a call to action only in a
# sentence that ends with "!" or ":" or is very short («شاهد تجربة أبو صلاح!»).
_SHORT_CTA_VERBS = frozenset(
    (
        *("شاهد", "شاهدي", "شاهدوا", "تابع", "تابعي", "تابعوا", "اقرأ", "اقرئي"),
        *("اقرأوا", "اقرؤوا", "إقرأ", "اقرا", "استمع", "استمعي", "استمعوا"),
    )
)
_SHORT_CTA_WORDS = 4


def _is_short_imperative(text: str) -> bool:
    """An imperative of watching/reading opens the sentence, which ends with "!" or ":"
    or has at most _SHORT_CTA_WORDS words: «شاهد تجربة أبو صلاح!», «تابع: …»."""
    words = text.split(maxsplit=_SHORT_CTA_WORDS + 1)
    if not words or words[0].strip('«"“(-–*•') not in _SHORT_CTA_VERBS:
        return False
    end = text.rstrip(' "”»)')
    return end.endswith(("!", ":", "：")) or len(words) <= _SHORT_CTA_WORDS


def is_call_to_action(text: str) -> bool:
    """A call to action or an app promo ("تابعوا المباراة مباشرة على موقع ...", a short
    «شاهد تجربة أبو صلاح!")."""
    if _is_short_imperative(text):
        return True
    # every alternative of the pattern holds one of these stems: substring tests are
    # far cheaper than the pattern's scan, and most sentences hold none
    if not any(stem in text for stem in _CALL_TO_ACTION_STEMS):
        lowered = text.lower()
        if "download" not in lowered and "follow" not in lowered:
            return False
    return bool(_CALL_TO_ACTION.search(text))


def has_call_to_action(bullet: str) -> bool:
    return is_call_to_action(bullet)


def conjunction_removable(word: str, words_of_article: Collection[str] = ()) -> bool:
    """Whether a leading و/ف of `word` (normalised) is a conjunction: what follows it is
    a word in its own right (the conjunction lexicon says so for و, or the article uses
    it without the prefix, at least three letters) and the word is not one whose first
    letter is its own (listed here or in the lexicon)."""
    if len(word) < 4 or word[0] not in "وف" or word in _OWN_FIRST_LETTER:
        return False
    if word[0] == "و":
        lexicon = conjunction_lexicon()
        if word in lexicon.own:
            return False
        if word in lexicon.conjunction:
            return True
        if word[1] == "و" and (word[1:] in lexicon.own or word[1:] in _OWN_FIRST_LETTER):
            return True  # «وواجهت»: the conjunction before a word whose و is its own
    rest = word[1:]
    if (
        word[0] == "و"
        and rest[0] in "لب"
        and len(rest) >= 4
        and rest[1] not in "اأإآ"
        and rest[1:] in words_of_article
    ):
        return True  # «ولعدة», «وبسرعة»: the conjunction before the preposition
    return rest in words_of_article and rest not in _OWN_FIRST_LETTER


def has_leading_connective(bullet: str, article: str) -> bool:
    """The bullet opens with a word that needs the sentence before it (كما، لكن، إذ ...)
    or with و/ف glued to a word the article also uses on its own."""
    words = tokenize(bullet[:80])
    if not words:
        return False
    first = words[0]
    if first in {"كما", "وكما"} and len(words) > 1 and words[1] in _KAMA_AS:
        return False  # "كما ذكرت الصحيفة": "as", a complete sentence
    if first in _LEANING_WORDS or first in {"و", "ف"} or bullet.startswith(('و"', "و«", "و“")):
        return True
    return conjunction_removable(first, set(tokenize(article)))


# A number and the start of the word after it ("22 في", "50 مليون", "15 حوتا"): the same
# quantity of the same thing. Years say when, not what: they repeat without repeating a fact.
_QUANTITY = re.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)*)\s*(?:[%٪]|([^\W\d_]{2,}))")
_YEAR = re.compile(r"(?:19|20)\d\d")
_DIGIT = re.compile(r"\d")
# A quotation of at least _QUOTED_WORDS words: shorter quoted phrases are mostly names
# and terms («"اللسان المُشعر الأسود"»), which the article repeats without repeating a fact
_QUOTED_WORDS = 4
_QUOTED = re.compile(r"[«\"“]([^«»\"“”\n]{12,200})[»\"”]")


@lru_cache(maxsize=1 << 12)
def fact_keys(bullet: str) -> frozenset[str]:
    """What makes two bullets state the same fact: the quantities they give (a number
    of at least two digits, not a year, with the start of its unit) and the quotations
    they hold (normalised)."""
    keys: set[str] = set()
    if _DIGIT.search(bullet):
        for number, unit in _QUANTITY.findall(bullet):
            if len(number) < 2 or _YEAR.fullmatch(number):
                continue
            word = normalize_word(unit) if unit else "%"
            keys.add(f"{number} {word.removeprefix('ب').removeprefix('ال')[:3]}")
    if '"' in bullet or "«" in bullet or "“" in bullet:
        for quoted in _QUOTED.findall(bullet):
            words = tokenize(quoted)
            if len(words) >= _QUOTED_WORDS:
                keys.add(" ".join(words))
    return frozenset(keys)
