"""Clause-safe cutting of long sentences (issue #13, point 1).

A long sentence may be shown as a leading part only when that part is a complete
statement and what is dropped does not change what it says. A cut is refused when:

- the last clause kept opens a condition, a concession or a time clause whose main
  clause is dropped («إذا …», «رغم …», «أما في سريلانكا», «عندما …»), or the kept part
  opens with one and no later clause of it looks like the main clause (appositions:
  «عندما زار السيناتور الأميركي، غايلورد نيلسون، …»);
- the kept part ends on «إنّ/أنّ/لأنّ/بأنّ» and at most one word (a subject without its
  predicate), or on a particle, preposition, pronoun («، وهو.») or a verb of saying (its
  complement dropped), or «أنّ» + a short subject meets an apposition («في حين أن نظام
  MacOS، وهو …»: the predicate comes after it);
- what is dropped starts with the consequence («فإن …», «فقد …»), an outcome or an
  exception («قبل أن», «بعد أن», «إلا», «لكن», «غير أن», «دون أن», «حتى», «باستثناء»), a
  complement «أنّ/إنّ …» or a quote after a verb of saying and its speaker, the
  story's next step («وعندما …», «ولما …», «ثم …»), a
  trailing condition («إذا», «إن لم», «ما لم», «لو», «بشرط», «في حال») or a negation,
  or the sentence's main verb of saying («…، قال ميلنر إن …»: the kept part was only
  its fronted adverbial), or holds the words attributed («قولها: …»), or opens with an
  imperfect verb after a subject described by a relative clause («أغلبية التطبيقات التي
  نستخدمها …، تقوم بجمع …»: the verb is its predicate);
- the kept part ends on an attribution opened with «و» («… وبحسب الدراسة»): what it
  attributes comes after it and is dropped;
- what is dropped is the object the kept part's verb waits for, right after the cut or
  after an apposition («…، السياسية الدنماركية …، غرامة مالية …»), or the kept part
  ends on «لكنّ/أنّ» + a subject described by a relative clause without its predicate,
  on an example's introducer («وعلى سبيل المثال») or a fronted «عند …» without its
  main clause, or opens with «قال/أشار …» and its speaker and holds no words said;
- quotes or brackets are left open.

Pure functions over the sentence's text; every pattern is a set lookup on words, so the
cost is linear in the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise

from ..arabic import normalize_word, tokenize
from ..sentences import leading_clause_runs, quotes_balanced
from .residue import conjunction_removable

__all__ = ["clause_opener_parts", "comma_parts", "cut_is_safe", "safe_leading_part"]

# Openers of a clause that needs a main clause after it (condition, concession, time,
# topic). Found anywhere in the last clause kept, they make the cut unsafe.
_NEEDS_MAIN_CLAUSE = frozenset(
    tokenize(
        """إذا اذا وإذا فإذا لو ولو لولا رغم ورغم برغم بالرغم وبالرغم الرغم أما وأما عندما وعندما
        حينما وحينما لما ولما كلما وكلما طالما بينما وبينما ومع بمجرد وبمجرد ريثما
        بدلا وبدلا"""
    )
)
_NEEDS_MAIN_PAIRS = frozenset(
    (first, second)
    for first, second in (tokenize(p) for p in ("في حال", "وفي حال", "مع أن", "بما أن", "ومع أن"))
)
# «إنّ/أنّ …»: the subject and its predicate must both be kept
_THAT = frozenset(tokenize("إن أن لأن بأن وأن وإن فإن كأن أنه أنها إنه إنها بأنه بأنها لأنه لأنها"))
# A kept part never ends on these (what they introduce is dropped)
_DANGLING = frozenset(
    tokenize(
        """في من على إلى الى عن مع ب ل و ف أو ثم لكن بل حتى إلا الا غير سوى دون بين عند
        منذ خلال بعد قبل نحو حول عبر ضد لدى لا لم لن ما قد كان كانت يكون تكون ليس ليست هو هي
        وهو وهي وهم وهما فهو فهي وهذا وهذه وذلك
        الذي التي الذين قال قالت أضاف أضافت وأضاف وأضافت أوضح أوضحت وأوضح وأوضحت أكد أكدت
        وأكد وأكدت أشار أشارت وأشار وأشارت يقول تقول قائلا قائلة مضيفا مشيرا موضحا مؤكدا
        بقوله بقولها وصف وصفت بوصفه"""
    )
)
# Verbs of saying: a last clause made of one of these and its speaker lost its words
_SAYING = frozenset(
    tokenize(
        """قال قالت وقال وقالت أضاف أضافت وأضاف وأضافت أوضح أوضحت وأوضح وأوضحت أكد أكدت وأكد
        وأكدت أشار أشارت وأشار وأشارت نقلت ونقلت نقل ونقل تابع وتابع تابعت وتابعت صرح وصرح
        ذكر وذكر ذكرت وذكرت"""
    )
)
# What dropped words may not start with: consequence, outcome, exception, contrast,
# negation, and a trailing condition or exception («…، إذا لم تكن الشركات مجبورة»:
# without it a conditional claim reads as an absolute one, a judged distortion). With
# «و» («، وفي حال …، فإن …», «وإذا …») a conditional sentence of its own begins.
# The next step of a narrative («…، وعندما عادا إلى واشنطن، قام السيناتور بعرض قانون
# …», «…، ثم …»): its main clause is what the story leads up to (bullets-40i, BB-164:
# the cut kept the visit and dropped the law it led to), like «قبل أن/بعد أن».
_KEEP_WITH_BEFORE = frozenset(
    tokenize(
        """فإن فان فإنه فإنها فقد فلا فلن فلم فسوف فهو فهي فإنهم إلا الا وإلا غير سوى لكن
        ولكن لكنه لكنها لكنهم ولكنه ولكنها ولكنهم لكننا ولكننا لكني ولكني لكنني ولكنني بل
        دون ودون حتى لا ولا لم ولم لن ولن ليس وليس
        إلى الى على عن
        إذا اذا لو ولو لولا بشرط شريطة شرط باستثناء وباستثناء بدون وبدون عدا طالما
        مالم لذلك ولذلك لذا ولذا وبالتالي
        وعندما وحين وحينما ولما وبعدما فعندما فحين فحينما فلما فبعدما ثم وثم"""
    )
)
# A consequence opened after a later comma is what the sentence leads up to (its point):
# no cut before it («…، وهي قاعدة من بديهيات التسويق، لذلك بدأت تنصح بعدم الغلو …»)
_CONSEQUENCE_MARKERS = tuple(
    sep + word
    for sep in ("، ", ", ", "؛ ")
    for word in ("لذلك", "ولذلك", "لذا ", "ولذا ", "وبالتالي", "ولهذا", "لهذا")
)
# «أنّ/إنّ …» opening what is dropped: the complement of a verb kept («وقال الباحث في
# جامعة لودز، رادوسلاو بندارسكي، إن "…"», «أعلنت الشركة، يوم الثلاثاء، أن …»): the kept
# part lost what was said or announced. With «و» («…، وأن …») it is one more complement
# of a verb whose first one was kept, and may go.
_COMPLEMENT_THAT = frozenset(tokenize("إن أن بأن إنه إنها أنه أنها بأنه بأنها إنهم أنهم بأنهم"))
_QUOTE_OPENERS = '"«“'
# A verb of saying with no conjunction after a comma is the sentence's main verb: what
# was kept is its fronted adverbial («باستخدام نفس المنهج …، قال ميلنر إن …»)
_SAYING_MAIN_VERB = frozenset(
    tokenize(
        """قال قالت أضاف أضافت أكد أكدت أوضح أوضحت ذكر ذكرت أشار أشارت صرح صرحت أفاد
        أفادت"""
    )
)
# A relative or appositive clause set off by commas («، والذي سيكتمل في 2020،» / «، وهو
# منظم الخصوصية،») interrupts a clause; when a complement follows it («إلى مضاعفة …»,
# «بالتحقيق في …»), the interrupted clause was not finished on either side of it
_PARENTHETICAL = frozenset(tokenize("الذي التي الذين والذي والتي والذين وهو وهي وهم وهما"))
_COMPLEMENT = frozenset(tokenize("إلى الى على عن في من مع لدى نحو"))
_COMPLEMENT_PREFIXES = ("بال", "لل")
# An attribution opened with «و» («…، وأضاف: "…" وبحسب الدراسة، تفضل الإناث …») fronts
# the statement it attributes, which comes after it: a kept part whose last words hold
# one ends on the source and drops the claim (bullets-40q, SK-technology-1423). Without
# «و» («…، وفقا للتقرير») it usually closes the statement before it, which was kept.
_ATTRIBUTION_OPENERS = frozenset(tokenize("وبحسب وحسب ووفقا ووفق وطبقا ونقلا وبناء واستنادا"))
_ATTRIBUTION_REACH = 5  # the opener and its source («وبحسب ما ذكرته صحيفة تليغراف»)
_KEEP_WITH_BEFORE_PAIRS = frozenset(
    tuple(tokenize(p))
    for p in (
        "قبل أن",
        "بعد أن",
        "إلا أن",
        "غير أن",
        "من دون",
        "إلى أن",
        "إن لم",
        "ما لم",
        "ما عدا",
        "في حال",
        "في حالة",
        "وبعد أن",
        "فبعد أن",
    )
)


def _last_clause(kept: str) -> list[str]:
    """The tokens of the kept part's last comma clause (after its last ، ؛ , or ; that
    is not a thousands separator), found from the right without splitting it all."""
    end = before = len(kept)  # the clause ends at `end`; separators are sought before `before`
    while True:
        cut = max(
            kept.rfind("،", 0, before),
            kept.rfind("؛", 0, before),
            kept.rfind(",", 0, before),
            kept.rfind(";", 0, before),
        )
        if cut < 0:
            return tokenize(kept[:end])
        if kept[cut] == "," and kept[cut - 1 : cut].isdigit() and kept[cut + 1 : cut + 2].isdigit():
            before = cut  # "1,000": not a clause cut
            continue
        words = tokenize(kept[cut + 1 : end])
        if words:
            return words
        end = before = cut  # nothing but marks after the separator ('…لافت،ـ', '…ذلك،"')


def _opens_unfinished(clause: list[str]) -> bool:
    if not _NEEDS_MAIN_CLAUSE.isdisjoint(clause):
        return True
    return not _NEEDS_MAIN_PAIRS.isdisjoint(pairwise(clause))  # (in C, no generator)


def cut_is_safe(kept: str, dropped: str) -> bool:
    """Whether `kept` (a leading part of a sentence, with or without its final stop)
    says all it says in the sentence when `dropped` (the rest) is not shown."""
    # (maxsplit: the count matters only below 4, and the rest need not be split)
    if not quotes_balanced(kept) or len(kept.split(maxsplit=4)) < 4:
        return False
    # the dropped part's first words, normalised one by one (cheaper than tokenising)
    head = dropped[:120]
    first_two = [normalize_word(w.strip('،؛,;:."«»“”()')) for w in head.split(maxsplit=2)[:2]]
    if first_two and (
        first_two[0] in _KEEP_WITH_BEFORE
        or first_two[0] in _COMPLEMENT_THAT
        or first_two[0] in _SAYING_MAIN_VERB
        or tuple(first_two) in _KEEP_WITH_BEFORE_PAIRS
    ):
        return False
    if "قول" in head or "قائل" in head:
        return False  # «... قولها: "…"»: the words said are in the dropped part
    # (three substring tests first: every marker holds «لذ», «لهذا» or «وبالتالي»)
    if ("لذ" in dropped or "لهذا" in dropped or "وبالتالي" in dropped) and any(
        marker in dropped for marker in _CONSEQUENCE_MARKERS
    ):
        return False  # «…، لذلك بدأت تنصح …»: the sentence's point comes after the cut
    # only the last clause is tokenised: the whole sentence again would cost more than
    # the rest of the bullet's checks
    last = _last_clause(kept)
    if not last or last[-1] in _DANGLING:
        return False
    if first_two and _parenthetical_then_complement(last, head, first_two[0]):
        return False
    if first_two and _predicate_after_relative(last, first_two[0]):
        return False
    if _apposition_then_complement(head):
        return False
    if _object_resumes(head):
        return False
    if not _ATTRIBUTION_OPENERS.isdisjoint(last[-_ATTRIBUTION_REACH:]):
        return False  # «… وبحسب الدراسة.»: the source kept, what it says dropped
    if any(w in _THAT for w in last[-2:]):
        return False  # «أكد أن الشركة.»: subject without predicate
    if last[0] in _PARENTHETICAL and _that_subject(_previous_clause(kept)):
        return False  # «في حين أن نظام MacOS، وهو المعروف سابقا باسم OS X.»
    if first_two and first_two[0] in _PARENTHETICAL and _that_subject(last):
        return False  # «في حين أن نظام MacOS.», «، وهو …» and the predicate dropped
    if head[:1] in _QUOTE_OPENERS and _saying_before_quote(kept):
        return False  # «قال الباحث، رادوسلاو بندارسكي، "…"»: the words said are dropped
    if _opens_unfinished(last):
        return False
    if _main_clause_missing(kept):
        return False
    if _frame_answer_dropped(kept, dropped):
        return False
    if _becoming_without_predicate(last):
        return False
    if _subject_without_predicate(last):
        return False
    if _example_or_time_without_main(last):
        return False
    if _speaker_opens_without_words(kept):
        return False
    return not _speaker_without_words(kept, last)


def _first_words(kept: str) -> list[str] | None:
    """The first three words of the kept part's first comma clause, normalised, or None
    when the kept part is that one clause (`_opens_unfinished` of the last clause
    judges it). Three words split and normalised, not the clause tokenised: this runs
    for every cut tried."""
    ends = [at for at in (kept.find(mark) for mark in "،؛,;") if at >= 0]
    if not ends:
        return None
    return [normalize_word(w.strip('"«»“”()')) for w in kept[: min(ends)].split(maxsplit=3)[:3]]


# Words that open a main clause after a fronted condition or time clause: its answer
# («فإن …», «فقد …»), a particle before a verb, a future
_MAIN_CLAUSE_OPENERS = frozenset(
    tokenize(
        """فإن فان فإنه فإنها فإنهم فقد فلا فلن فلم فسوف فهو فهي قد لقد سوف لا لم لن ما
        كان كانت يكون تكون أصبح أصبحت تم يتم"""
    )
)


def _opens_main_clause(word: str) -> bool:
    """Whether a clause whose first normalised word is `word` is likely a main clause:
    an answer or particle of `_MAIN_CLAUSE_OPENERS`, a verb of saying, an imperfect or
    future verb («يمكنك», «نستطيع», «سيكون»). A perfect verb looks like a noun and is
    not recognised: the cut is then refused, the safe side."""
    if word in _MAIN_CLAUSE_OPENERS or word in _SAYING_MAIN_VERB:
        return True
    if word[:1] == "س":
        return len(word) >= 5 and word[1] in "يتن"  # «سيكون», not «سانتا»
    return len(word) >= 4 and word[0] in "يتن"


def _imperfect(word: str) -> bool:
    """An imperfect verb of the third person («يحدث», «تنتشر»); inside a clause,
    where names are rarer than verbs with these letters («نيلسون» is left out)."""
    return len(word) >= 4 and word[0] in "يت" and not word.startswith("ال")


def _later_clause_is_main(kept: str) -> bool:
    """Whether `kept`, after its first clause, holds what looks like the main clause: a
    clause opening like one (`_opens_main_clause`), or an imperfect verb within a clause
    («…، أو بين سحابتين متجاورتين يصل الفرق …»: the verb needs no comma before it)."""
    for part in re.split("[،؛,;]", kept)[1:]:
        words = [normalize_word(w.strip('"«»“”()')) for w in part.split()]
        if words and (_opens_main_clause(words[0]) or any(map(_imperfect, words[1:]))):
            return True
    return False


def _main_clause_missing(kept: str) -> bool:
    """The kept part opens with a condition, concession or time clause («عندما زار
    السيناتور الأميركي، غايلورد نيلسون، ومساعده، سانتا باربارا، …») and its main clause
    is not kept: no later clause opens with an answer («فإن/فقد/ف…») or a verb. The
    commas inside such an opening set off names and places (appositions), so the last
    clause alone (`_opens_unfinished`) cannot tell (bullets-40i, BB-technology-164)."""
    first = _first_words(kept)
    if not first or not _opens_unfinished(first):
        return False
    return not _later_clause_is_main(kept)


# «، فإن/فإنه/فإنها …» after a comma: the answer of a frame opened before it («إذا …»,
# «أما …», «كما …», «وفضلا عن كونها …», «وبحسب …»)
_FRAME_ANSWER = re.compile(r"[،,؛;] *ف[إا]ن(?:ه|ها|هم|هما|نا)?(?!\w)")
# Words that open such a frame. One of them in the dropped part before the answer means
# the whole frame is dropped with it (a cut before «، وإذا …، فإن …» splits no frame).
_FRAME_OPENERS = _NEEDS_MAIN_CLAUSE | frozenset(
    tokenize(
        """كما وكما فضلا وفضلا علاوة وعلاوة بالإضافة وبالإضافة إضافة وإضافة حسب وحسب بحسب
        وبحسب وفق وفقا ووفق ووفقا طبقا وطبقا نظرا ونظرا بما وبما بسبب وبسبب بالنسبة
        وبالنسبة حال حالة ظل لأن ولأن عكس خلاف بخلاف وبخلاف مقارنة ومقارنة بالمقارنة
        وبالمقارنة بالحديث وبالحديث"""
    )
)


# the kept clauses (from its end) where a frame whose answer is dropped may open
_FRAME_CLAUSES = 3


def _frame_answer_dropped(kept: str, dropped: str) -> bool:
    """The dropped part holds a clause-initial «فإن/فإنه/فإنها/فإنهم …» with no frame
    opener before it, and one of the kept part's last three clauses (after its own last
    answer) opens a frame: the kept part ends inside a frame whose main clause is
    dropped («… لتكون أشبه بغرفة فندقية، وفضلا عن كونها مصنوعة من الألياف الكربونية، |
    وبمساحة لا تتجاوز 2.64 متر مربع، فإنها مزودة بكل معايير السلامة», bullets-40m,
    SK-technology-1364). A kept part that is itself an answer («وفقا للمصادر، فإن الفكرة
    …، | ولتحقيق هذه الغاية، فإن …») opens no frame. One substring test for most
    sentences; words are tokenised only when an answer is dropped."""
    if "فإن" not in dropped and "فان" not in dropped:
        return False
    answer = _FRAME_ANSWER.search(dropped)
    if answer is None or not _FRAME_OPENERS.isdisjoint(tokenize(dropped[: answer.start()])):
        return False
    *_, tail = _FRAME_ANSWER.split(kept)  # after the kept part's own last answer
    clauses = re.split("[،؛,;]", tail)[-_FRAME_CLAUSES:]
    return not _FRAME_OPENERS.isdisjoint(tokenize(" ".join(clauses)))


# «أصبح/صار/بات …» need a subject and a predicate: «… فأصبح وفق ما قرأت العربية.نت في
# بعض وسائل الإعلام» kept only the verb and an attribution, the predicate was dropped
_BECOMING = frozenset(
    tokenize(
        """أصبح أصبحت فأصبح فأصبحت وأصبح وأصبحت صار صارت فصار فصارت وصار وصارت بات باتت
        فبات فباتت وبات وباتت أمسى أمست فأمسى وأمسى"""
    )
)
# an attribution or adverbial phrase set between such a verb and its subject
_ATTRIBUTION = frozenset(tokenize("وفق وفقا حسب بحسب حسبما طبقا كما على لدى"))


def _becoming_without_predicate(last: list[str]) -> bool:
    """The kept part's last clause holds «أصبح/صار/بات …» followed by at most two words or
    directly by an attribution («وفق ما قرأت …»): its predicate is in the dropped part."""
    for i, word in enumerate(last):
        if word in _BECOMING:
            after = last[i + 1 :]
            return len(after) <= 2 or after[0] in _ATTRIBUTION
    return False


# Relative pronouns: a subject described by a relative clause («أغلبية التطبيقات التي
# نستخدمها اليوم وتملك شعبية كبيرة،») still waits for its predicate («تقوم بجمع …»)
_RELATIVE = frozenset(tokenize("الذي التي الذين اللذين اللتين اللواتي"))


def _predicate_after_relative(last: list[str], first: str) -> bool:
    """The kept part's last clause holds a relative clause and the dropped part opens
    with a verb in the imperfect, no conjunction before it («…، تقوم بجمع البيانات»):
    that verb is the predicate of the subject the relative clause described."""
    return (
        len(first) >= 4
        and first[0] in "يت"
        and not _RELATIVE.isdisjoint(last)
        and last[0] not in _RELATIVE
    )


# Particles followed by a subject and its predicate («لكنّ/إنّ/أنّ …»)
_SUBJECT_PARTICLES = frozenset(tokenize("لكن ولكن")) | _THAT
_SUBJECT_WORDS = 4  # a subject's noun phrase before its relative clause, at most
# Words that show a predicate after a relative clause: a pronoun of separation («الحساب
# الذي شهد أكبر انخفاض هو حساب …»), a copula, a particle before a verb
_PREDICATE_MARKERS = frozenset(
    tokenize(
        """هو هي هم هما كان كانت كانوا أصبح أصبحت باتت بات صار صارت ظل ظلت ليس ليست قد
        لا لم لن سوف"""
    )
)


def _subject_without_predicate(last: list[str]) -> bool:
    """The kept part's last clause is «لكنّ/أنّ + subject + relative clause» and nothing
    after the relative clause's verb looks like the predicate: «…، ولكن عدد المخالفات
    التي يحصل عليها المستخدم | ، وما إذا كان …، تعتبر مسألة غير واضحة» (bullets-40t,
    AL-technology-358: what the subject is said to be was dropped). A predicate in the
    imperfect after the relative clause («لكن الشركة التي تملكها تعمل …»), a pronoun
    «هو/هي» or a copula keeps the cut; one in the perfect is not recognised and the cut
    is refused, the safe side."""
    at = next((i for i, w in enumerate(last[:2]) if w in _SUBJECT_PARTICLES), None)
    if at is None:
        return False
    subject = last[at + 1 :]
    if not subject or _imperfect(subject[0]) or subject[0] in _DANGLING:
        return False  # «لكن تبقى …», «أن لا …»: a verb or a particle, not a subject
    relative = next((i for i, w in enumerate(subject[: _SUBJECT_WORDS + 1]) if w in _RELATIVE), 0)
    # (the word after the pronoun is the relative clause's own verb)
    return relative > 0 and not any(
        _imperfect(w) or w in _PREDICATE_MARKERS for w in subject[relative + 2 :]
    )


def _is_complement(word: str) -> bool:
    return word in _COMPLEMENT or word.startswith(_COMPLEMENT_PREFIXES)


def _parenthetical_then_complement(last: list[str], head: str, first: str) -> bool:
    """The cut falls at either end of a parenthetical clause and the clause it
    interrupts goes on after it with a complement: «أن يؤدي التوسع في المصنع | ،
    والذي سيكتمل في 2020، إلى مضاعفة …» or «عندما بدأ المفوض، وهو منظم الخصوصية |
    ، بالتحقيق في …». `last`: the kept part's last clause (tokens); `head`: the dropped
    part's start; `first`: its first word."""
    if first in _PARENTHETICAL:
        # the first word after the parenthetical's closing comma (within `head`)
        ends = [i for i in (head.find("،"), head.find(",")) if i >= 0]
        if not ends:
            return False
        after = head[min(ends) + 1 :].split(maxsplit=1)[:1]
        if not after:
            return False
        word = normalize_word(after[0].strip('"«»“”()'))
        return _is_complement(word) or word in _DURATIONS
    if last[0] == "كما" and len(last) <= _APPOSITION_WORDS:
        # «تتمثل وظيفة طائرات بيلوغا، كما كانت تعرف سابقا | ، في "نقل …"»: a short
        # «كما …» aside, then the interrupted verb's complement
        return first in _COMPLEMENT
    return last[0] in _PARENTHETICAL and _is_complement(first)


# A span of time right after a relative clause's closing comma is the interrupted
# verb's complement: «حيث انتظر مستخدمو الهواتف في الهند، الذين حاصرتهم المكالمات،
# سنوات لكي تسمح آبل …» (bullets-40p, AL-technology-367: the cut ended «… انتظر
# المستخدمون في الهند» before what they waited for)
_DURATIONS = frozenset(
    tokenize(
        "سنوات سنين أعواما أعوام سنة عاما أشهرا أشهر شهورا شهرا أسابيع أسبوعا أياما أيام"
        " يوما ساعات ساعة دقائق عقودا عقود عقدا طويلا مدة فترة"
    )
)


# An apposition or a parenthesis set off by commas or brackets is this many words at most
_APPOSITION_WORDS = 4


def _apposition_then_complement(head: str) -> bool:
    """The dropped part opens with a short noun phrase closed by a comma or a bracket
    (an apposition: «، كامبريدج أناليتيكا، على معلومات …», or a parenthesis) and the
    interrupted clause goes on after it with its complement (a preposition, «بال…/لل…»)
    or «أن/إن …»: the kept part («حول كيفية حصول شركة الاستشارات السياسية») was
    waiting for that complement. `head`: the start of the dropped part."""
    if head[:1] in "([":
        close = head.find(")" if head[0] == "(" else "]")
        if close < 0:
            return False
        inner, rest = head[1:close], head[close + 1 :].lstrip(" ،,")
    else:
        ends = [i for i in (head.find("،"), head.find(",")) if i >= 0]
        if not ends:
            return False
        inner, rest = head[: min(ends)], head[min(ends) + 1 :]
    inner_words = inner.split()
    if not 0 < len(inner_words) <= _APPOSITION_WORDS or any(mark in inner for mark in ".؟?!:؛;"):
        return False
    if conjunction_removable(normalize_word(inner_words[0].strip('"«»“”()'))):
        return False  # «، وهذا حدث بالفعل لنا، على الرغم …»: a new clause, no apposition
    after = rest.split(maxsplit=1)[:1]
    if not after:
        return False
    word = normalize_word(after[0].strip('"«»“”()'))
    return _is_complement(word) or word in _THAT


# Words in «ة» that open a dropped part without being a verb's object: participles and
# adverbial nouns («مشيرة إلى …», «مستغلة …», «خاصة …», «عادة …»)
_NOT_OBJECT = frozenset(tokenize("خاصة وخاصة عادة مرة تارة بالنسبة نتيجة"))


def _bare_noun(word: str) -> bool:
    """An indefinite noun in «ة» or a number, as written («غرامة», «11»): after a comma it
    is no new clause (those open with a conjunction, a particle, a preposition or a verb)
    but the object or predicate the clause before was waiting for. Not «ال…», a
    conjunction or preposition before it, nor a participle «م…» («مشيرة إلى …»)."""
    word = word.strip('"«»“”()').rstrip("ًٌٍ")
    if word[:1].isdigit():
        return True
    return (
        word.endswith("ة")
        and not word.startswith(("ال", "و", "ف", "ب", "ل", "ك", "م"))
        and normalize_word(word) not in _NOT_OBJECT
    )


def _object_resumes(head: str) -> bool:
    """The dropped part is, or follows an apposition with, the object of the clause the
    kept part interrupted: «يتوقع أن تشمل العقوبة الصادرة من مارغريت فاستيغر، السياسية
    الدنماركية التي تشغل …، | غرامة مالية قد تصل …» (bullets-40t, AL-technology-340: the
    fine was lost) or «… فاستيغر، | السياسية الدنماركية …، غرامة …». A cut never falls
    between a verb and its object. `head`: the start of the dropped part. A character
    test first: most dropped parts open with «و» or hold no «ة» or digit early."""
    first = head.split(maxsplit=1)[:1]
    if not first:
        return False
    if _bare_noun(first[0]):
        return True
    # an apposition (a definite noun phrase, or a relative clause «التي …») up to its comma
    if not first[0].startswith("ال"):
        return False
    close = head.find("،")
    if close < 0:
        return False
    after = head[close + 1 :].split(maxsplit=1)[:1]
    return bool(after) and _bare_noun(after[0])


# «أنّ/إنّ» this many words at most before the end of the clause an apposition follows:
# «أن نظام التشغيل MacOS» is a subject, with no room for its predicate
_THAT_SUBJECT_WORDS = 4


def _previous_clause(kept: str) -> list[str]:
    """The tokens of the clause before the kept part's last comma clause ([] when the
    kept part is one clause)."""
    cut = max(kept.rfind("،"), kept.rfind("؛"), kept.rfind(","), kept.rfind(";"))
    return _last_clause(kept[:cut]) if cut > 0 else []


def _that_subject(clause: list[str]) -> bool:
    """The clause ends on «أنّ/إنّ» and a short subject («في حين أن نظام التشغيل
    MacOS»), and an apposition or relative clause («، وهو نظام التشغيل المعروف سابقاً
    باسم آبل OS X») follows it: the predicate of that subject comes after the apposition
    (bullets-40l, AL-technology-273), so a cut on either side of the apposition drops
    it. Not «أنْ» before an imperfect verb («دون أن تنطقه، وهو …»)."""
    words = clause[-_THAT_SUBJECT_WORDS:]
    return any(
        w in _THAT and i + 1 < len(words) and not _imperfect(words[i + 1])
        for i, w in enumerate(words)
    )


def _saying_before_quote(kept: str) -> bool:
    """The dropped part opens with a quote and the kept part's last two clauses hold a
    verb of saying with no «أنّ/إنّ» or colon after it: the quote is what was said."""
    last = _last_clause(kept)
    words = _previous_clause(kept) + last
    for word in reversed(words):
        if word in _THAT:
            return False
        if word in _SAYING:
            return ":" not in kept[-80:]
    return False


def _speaker_without_words(kept: str, last: list[str]) -> bool:
    """The kept part's last clause opens with a verb of saying («وأوضح أليكس ديفي»، «قال
    مدير إدارة … في هيئة الطرق») and holds neither «أن/إن» nor a colon or a quote after
    it: whatever the speaker's title length, the words said were dropped."""
    if last[0] not in _SAYING and not (len(last) > 1 and last[1] in _SAYING):
        return False
    if len(last) <= 4:
        return True
    if not _THAT.isdisjoint(last):
        return False
    # the words said may be quoted or follow a colon: look at the clause as written
    # (from the last clause separator on)
    start = max(kept.rfind("،"), kept.rfind("؛"), kept.rfind(","), kept.rfind(";"))
    tail = kept[start + 1 :]
    return not any(mark in tail for mark in ':"«“')


# Verbs of saying whose words must follow («إن/أن …», «إلى أن …», a quote or a colon)
_SAYING_NEEDS_WORDS = frozenset(
    tokenize("قال قالت وقال وقالت أضاف أضافت وأضاف وأضافت أشار أشارت وأشار وأشارت")
)
_WORDS_SAID = _THAT | frozenset(tokenize("إلى الى"))
_QUOTED_WORDS = 4  # a quotation this long is words said; a shorter one, a name


def _speaker_opens_without_words(kept: str) -> bool:
    """The kept part opens with «قال/أضاف/أشار» and its speaker, set off by commas
    («أشار المسؤول في فيسبوك عن الشراكات، كامبل براون | في بيان إلى أن …», «قال
    الطبيب …، من كلية …، لرويترز هيلث، عبر البريد الإلكتروني | "تشير نتائج …"»), and
    holds no «أن/إن/إلى», colon or quotation: the words said were dropped. (The last clause
    alone, `_speaker_without_words`, is only the apposition.) One word is normalised
    for most sentences."""
    head = kept.split(maxsplit=1)[:1]
    if not head or normalize_word(head[0]) not in _SAYING_NEEDS_WORDS:
        return False
    if ":" in kept or any(
        len(inside.split()) >= _QUOTED_WORDS for inside in re.split('["«»“”]', kept)[1::2]
    ):
        return False  # a colon or a quotation: the words said («"فيسبوك"» is a name)
    return _WORDS_SAID.isdisjoint(tokenize(kept))


# The end of a clause that introduces an example («وعلى سبيل المثال», «فمثلا»)
_EXAMPLE_ENDS = frozenset(tokenize("المثال مثلا فمثلا ومثلا"))
# A fronted time clause («إذ عند إطلاق آبل لتحديث watchOS 4 في عام 2017») whose main
# clause («أزالت الميزة …») follows it
_TIME_OPENERS = frozenset(tokenize("عند وعند فعند"))


def _example_or_time_without_main(last: list[str]) -> bool:
    """The kept part's last clause only introduces what the dropped part says: an
    example («…، وعلى سبيل المثال | واجهت فيسبوك انتقادات …») or a fronted time clause
    «عند …» with no answer («فإن/فقد …») or imperfect verb after it («…، إذ عند إطلاق
    آبل لتحديث watchOS 4 في عام 2017 | أزالت الميزة …»)."""
    if len(last) <= 4 and last[-1] in _EXAMPLE_ENDS:
        return True
    at = next((i for i, w in enumerate(last[:2]) if w in _TIME_OPENERS), None)
    if at is None:
        return False
    return not any(w in _MAIN_CLAUSE_OPENERS or _imperfect(w) for w in last[at + 2 :])


def safe_leading_part(
    sentence: str, max_chars: int, candidates: Iterable[str], *, min_words: int = 6
) -> str | None:
    """The longest of `candidates` (leading parts of `sentence`, ending in a stop)
    within max_chars whose cut is safe, or None."""
    # longest first: the first safe one is the answer (most sentences need one check)
    for candidate in sorted(candidates, key=len, reverse=True):
        if len(candidate) > max_chars or len(candidate.split(maxsplit=min_words)) < min_words:
            continue
        body = candidate.rstrip(".")
        dropped = sentence[len(body) :] if sentence.startswith(body) else ""
        if cut_is_safe(body, dropped.lstrip("،؛,;: ")):
            return candidate
    return None


def comma_parts(sentence: str, max_chars: int) -> list[str]:
    """Leading runs of the sentence's comma/semicolon clauses within max_chars, each
    ending with a full stop (shortest first)."""
    # the clauses beyond max_chars are never part of a candidate: not split at all
    return list(leading_clause_runs(sentence[: max_chars + 2], max_chars))


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
