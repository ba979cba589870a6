"""Sentences that are not the article's text: share buttons, "read also" links and the
related stories after the body, photo captions and credits, copyright lines, editor's
notes, calls to action and app promos, datelines written with "--" or ":-", lines of
program code, and list introductions whose list is not kept.
(`digest.summarize.residue` cleans what may be left inside a bullet.) Every regex here
is linear (`tests/test_regex_linear.py`)."""

from __future__ import annotations

import re

from ..arabic import strip_diacritics, tokenize
from ..sentences import Sentence, colon_list_items
from .residue import is_call_to_action

__all__ = [
    "BOILERPLATE_TOKENS",
    "LIST_INTRO_ENDINGS",
    "body_sentences",
    "is_boilerplate",
    "is_list_item",
    "is_reply",
    "looks_like_code",
    "may_be_boilerplate",
    "strip_caption",
    "strip_dateline",
]

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
# A photo caption or credit line: «الصورة: …», «صورة أرشيفية: …», «مصدر الصورة …»,
# «تصوير: …», «Photo: …», a line of «Getty Images» (diacritics already stripped). A
# caption in parentheses glued to a sentence is cut off instead (`strip_caption`).
_CAPTION = re.compile(
    r"^[^\w(\[]{0,3}(?:(?:ال)?صور[ةه](?:\s+(?:أرشيفية|ارشيفية|من\s+الأرشيف))?\s*[:：]"
    r"|(?:مصدر|حقوق|المصدر)\s+(?:ال)?صور[ةه]|تصوير\s*[:：]"
    r"|(?:photo|image|picture)s?(?:\s+credit)?\s*:|(?:[\w.]+\s*/\s*)?getty\s+images\W*$)",
    re.IGNORECASE,
)
# A caption or credit inside a sentence: a parenthesis that opens with «صورة:»/«تصوير:»
# or holds a «Getty Images» credit, or such a credit at either end of the sentence.
# Linear: every alternative starts with a bracket, the anchor or a bounded word run.
_INLINE_CAPTION = re.compile(
    r"[(\[]\s*(?:(?:ال)?(?:صور[ةه]|تصوير|photo|image)\s*[:：][^()\[\]\n]{0,120}"
    r"|(?:[\w.]{1,20}\s*/\s*)?getty\s+images\s*)[)\]]"
    r"|^\W{0,3}(?:[\w.]{1,20}\s*/\s*)?getty\s+images\b\W{0,3}"
    r"|(?:[\w.]{1,20}\s*/\s*)?getty\s+images(?=\s*[.!؟?]?$)",
    re.IGNORECASE,
)
# what every _INLINE_CAPTION match without a bracket holds, matched the same way
_GETTY = re.compile("getty", re.IGNORECASE)
_NO_SPACE_BEFORE = frozenset(".،,!؟?:؛)»")
# A related-stories heading: «مواضيع ذات صلة», «أخبار متعلقة», «قد يهمك», «Related
# stories». («اقرأ أيضا: …» and «اقرأ المزيد» are not: on the ANT tune half they are
# links between paragraphs of the body, which goes on after them.)
_RELATED = re.compile(
    r"^\W{0,3}(?:(?:مواضيع|موضوعات|أخبار|اخبار|مقالات|قصص|روابط)\s+(?:ذات\s+صلة|متعلقة|مشابهة)"
    r"|قد\s+يهمك|ذات\s+صلة\W*$|(?:related|more)\s+(?:stories|articles|news))",
    re.IGNORECASE,
)
# substrings of every _RELATED line, looked for in the whole article first. _RELATED
# ignores case, so its English words are looked for as a heading writes them: lowercase
# or title case («Related stories», «More news») and capitals («RELATED STORIES», «MORE
# NEWS»); a case mixed inside the word itself («ReLaTeD») is not looked for
_RELATED_HINTS = ("صلة", "يهمك", "متعلقة", "مشابهة", "elated", "ore ", "RELATED", "MORE ")


def _has_related_hint(text: str) -> bool:
    """`any(hint in text for hint in _RELATED_HINTS)`, in fewer scans: each scan for a
    word reads the whole article (about 1 µs for 2,000 Arabic characters), while one for
    a single letter is more than ten times faster, and most Arabic articles hold no "e"
    (which the lowercase English hints need) and no "R" (the capitals' hints). Not "E":
    CPython finds one character of an Arabic string by memchr on the low byte of its
    code, and "E" shares it with «م» (U+0645), so that scan stops at every «م» (about
    1 µs an article, measured); "R" shares its own with the rare sukun. Nor
    `text.lower()`: a copy of the article costs more than all these scans."""
    return (
        "صلة" in text
        or "يهمك" in text
        or "متعلقة" in text
        or "مشابهة" in text
        or ("e" in text and ("elated" in text or "ore " in text))
        or ("R" in text and ("RELATED" in text or "MORE " in text))
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

# Cheap pre-check before the regexes above are tried on a sentence: the sentence must
# hold one of these (normalised) tokens, or the article a copyright sign.
BOILERPLATE_TOKENS = frozenset(
    tokenize(
        """اقرأ إقرأ اقرا شاهد حقوق الحقوق شارك شاركوا تابعونا تابعنا اشترك للاشتراك اضغط انقر
        المصدر فيسبوك فيس تويتر واتساب واتس تيليجرام تلغرام لينكد إكس طباعة مشاركة ملاحظة
        تنويه تنبيه نشر نشرت أعيد وأعيد read see rights reserved copyright share follow
        subscribe sign click facebook twitter whatsapp telegram linkedin email print x note
        published article تابعوا شاهدوا حملوا اشتركوا ادخلوا سجلوا اضغطوا انقروا تابع حمل
        الصوره صوره تصوير getty photo image picture
        download تابعي ادخل للمزيد لمزيد يمكنكم"""
    )
)


# Last words of a sentence that announces a list it does not hold ("... الخطوات التالية.",
# "... كما يلي"), normalised: such a sentence is no bullet, with or without its colon.
LIST_INTRO_ENDINGS = frozenset(
    tokenize("التالية التالي التاليين كالتالي الآتي الآتية كالآتي يلي يأتي following below")
)


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


# An item of a list written inline («… 2.بيبسي. … 5. مجموعة موندليز …», «• اضغط على
# …»): the splitter makes each item a sentence; alone it says nothing (a ranking of
# what? a step on which screen?). A number opening the text with a stop or bracket, a
# list glyph opening it or standing between words, or the next item's number left at
# the end («شركة علي بابا للحوسبة السحابية. 2.»); a dash or star item (below).
_LIST_ITEM = re.compile(r"^(?:\d{1,2} ?[.)-](?! ?\d)|[•▪●◦])|\s[•▪●◦]\s|[.!?؟:]\s\d{1,2}[.)]$")


# A dash or star and a space opening the text («- قمع المشاعر …», «– …», «* …»): the
# writer's own bullet of an inline list; shown, it would read «- - قمع …». A star needs
# no space («*قصاصة حرة: تتيح …», bullets-40k, AL-technology-36).
_ITEM_MARKS = ("- ", "– ", "*")


def is_list_item(text: str) -> bool:
    """An item of an inline list, not a sentence of its own."""
    if text.lstrip().startswith(_ITEM_MARKS):
        return True
    return (
        text[:1].isdigit()
        or text[-2:-1].isdigit()
        or "•" in text
        or "▪" in text
        or "●" in text
        or "◦" in text
    ) and (_LIST_ITEM.search(text) is not None)


def may_be_boilerplate(text: str) -> bool:
    """Whole-article test for the few signs the token check cannot see."""
    # one scan for "(" (a single character is found fast) spares most articles the two
    # slower scans for the three-character marks
    return "©" in text or ("(" in text and ("(c)" in text or "(C)" in text))


def is_boilerplate(text: str) -> bool:
    """Share buttons, "read also" links, photo captions and credits, copyright lines,
    editor's notes, calls to action and app promos."""
    bare = strip_diacritics(text)
    return (
        bool(_BOILERPLATE.search(bare))
        or bool(_SOCIAL.match(bare.strip()))
        or bool(_CAPTION.match(bare))
        or is_call_to_action(bare)
    )


def strip_caption(text: str) -> str:
    """The sentence without a photo caption or credit glued to it («(صورة: رويترز)
    يأتي …» -> «يأتي …», «… العام الجاري Getty Images» -> «… العام الجاري»); other
    text is returned as it is."""
    if not ("صور" in text or "تصوير" in text or "etty" in text or "hoto" in text):
        return text  # most sentences: four substring tests instead of a regex scan
    if "(" not in text and "[" not in text and _GETTY.search(text) is None:
        return text  # «صورة» as a word: every caption is bracketed or a Getty credit
    pieces: list[str] = []
    last = 0
    for found in _INLINE_CAPTION.finditer(text):
        pieces.append(text[last : found.start()].strip())
        last = found.end()
    if not pieces:
        return text
    pieces.append(text[last:].strip())
    stripped = ""
    for piece in pieces:
        if piece:
            # the pieces join with a space, except before punctuation ('السابق.')
            glue = " " if stripped and piece[0] not in _NO_SPACE_BEFORE else ""
            stripped += glue + piece
    return stripped if len(stripped.split()) >= 4 else text


# A reply opening the sentence right after a question («هل تذكر …؟ حسناً، يبدو أن …»,
# «… قبل النوم؟ إذا عليك قراءة …»): the question-and-answer lead of a related story's
# teaser (diacritics stripped, trailing comma dropped)
_REPLIES = frozenset(("حسنا", "حسناً", "إذن", "إذاً", "إذا", "اذا", "اذن", "نعم", "طيب"))
# A yes/no reply set off as a clause of its own: «لا، لن يؤثر …», «الحروب أم حوادث السير
# أم جرائم القتل، لا، ليست هذه …». Linear: fixed words between fixed marks.
_REPLY_CLAUSE = re.compile(r"(?:^|، ?)(?:لا|نعم|كلا) ?،")
_REPLY_REACH = 100  # characters: a reply opens the sentence or follows a short clause


def is_reply(text: str) -> bool:
    """Whether the sentence answers a question before it: it opens with «لا،/نعم،/كلا،»
    or such a reply follows its first clause («الحروب أم حوادث السير أم جرائم القتل، لا،
    ليست هذه أكثر الأسباب …», bullets-40s SK-technology-1254: shown without «ما الذي يسبب
    معظم الوفيات حول العالم؟» it reads as a broken list). Not inside a quote, where a
    speaker's «…، نعم، …» is his own. Alone it is no bullet: it leans on the question."""
    head = text[:_REPLY_REACH]
    if not ("لا،" in head or "نعم،" in head or "لا ،" in head or "كلا،" in head):
        return False  # most sentences: four substring tests, no regex («بلى،» is rare)
    found = _REPLY_CLAUSE.search(head)
    return found is not None and not any(q in head[: found.start()] for q in '"«“')


# Teasers of this kind follow the body on CNN Arabic pages (the dateline names CNN)
_TEASER_SOURCE = "(CNN)"
_TEASER_BODY = 3  # sentences of text before a teaser can start the tail


def _teaser_start(sentences: list[Sentence]) -> int | None:
    """The position of the first related-story teaser after the body: a paragraph that
    opens with a «هل …؟» question whose next sentence, in the same paragraph, opens
    with a reply («حسناً»، «إذن»، «نعم») — the form of CNN's teasers for other stories
    (bullets-40i, CN-technology-137) — or is a statement followed only by other
    stories' one-sentence leads (`_leads_after`), and the teasers right before it
    (`_teasers_before`). An interview's question, answered by a statement that the body
    goes on from, is left alone."""
    body = 0
    for position, sentence in enumerate(sentences[:-1]):
        following = sentences[position + 1]
        if (
            body >= _TEASER_BODY
            and sentence.text.startswith("هل ")
            and sentence.text.rstrip('"”» ').endswith(("؟", "?"))
            and following.paragraph == sentence.paragraph
            and (position == 0 or sentences[position - 1].paragraph != sentence.paragraph)
            and (
                strip_diacritics(following.text.split(maxsplit=1)[0]).rstrip("،,") in _REPLIES
                or _leads_after(sentences, position)
            )
        ):
            return _teasers_before(sentences, position)
        body += not sentence.heading
    return None


_TEASER_LEADS = 2  # paragraphs of other stories' leads after a question teaser


def _leads_after(sentences: list[Sentence], question: int) -> bool:
    """Whether the question at `question` is followed, after its own paragraph, by at
    least `_TEASER_LEADS` paragraphs that each open their own story: one sentence each,
    none opening with «و…» (a body goes on with «وأضاف», «وكانت» …). The form of CNN's
    teaser tails whose question is answered by a statement («هل تدمن …؟ سيتغير ذلك …»
    then «قطعت شركة هواوي …», «بعد رؤيته …»: bullets-40p, CN-technology-126); an
    interview's answers run on over several sentences and paragraphs of «و…»."""
    paragraph = sentences[question].paragraph
    rest = [s for s in sentences[question:] if s.paragraph != paragraph]
    paragraphs = {s.paragraph for s in rest}
    return (
        len(paragraphs) >= _TEASER_LEADS
        and len(rest) == len(paragraphs)
        and not any(s.text.startswith("و") for s in rest)
    )


def _teasers_before(sentences: list[Sentence], start: int) -> int:
    """`start` moved back over the paragraphs right before it that read as other
    stories' leads too: their first word is no «و…» (the body's paragraphs go on with
    «وأضاف», «وكانت» …; a teaser opens its own story: «كشفت شركة أبل …», «بعد أن
    أصبحت …»), keeping at least `_TEASER_BODY` sentences of body."""
    while start > _TEASER_BODY:
        paragraph = sentences[start - 1].paragraph
        first = start - 1
        while first > 0 and sentences[first - 1].paragraph == paragraph:
            first -= 1
        if first < _TEASER_BODY or sentences[first].text.startswith("و"):
            break
        start = first
    return start


_PROMO_WORDS = 14  # words at most in a promo headline paragraph
_CLOSING = (".", "؟", "?", "!", "…", ":")


def _promo_paragraphs(sentences: list[Sentence]) -> set[int]:
    """The paragraphs after the first that are another story's headline set between
    the body's paragraphs on a CNN page: two or more pieces of at most `_PROMO_WORDS`
    words together whose last ends with no sentence mark («إذا كنتم تخافون السيارات
    ذاتية القيادة.. هذا هو الحل», «شاهد.. زوكربيرغ يظهر …», «ولكن ما هو هاكاثون
    الحج؟ اقرأ المزيد»: bullets-40o, CN-technology-44). A body sentence closes with
    its mark; a one-piece heading is already a heading."""
    pieces: dict[int, list[Sentence]] = {}
    for sentence in sentences:
        pieces.setdefault(sentence.paragraph, []).append(sentence)
    first = sentences[0].paragraph if sentences else 0
    return {
        paragraph
        for paragraph, group in pieces.items()
        if paragraph != first
        and len(group) > 1
        and sum(len(s.text.split()) for s in group) <= _PROMO_WORDS
        and not group[-1].text.rstrip('"”» ').endswith(_CLOSING)
    }


def body_sentences(sentences: list[Sentence], text: str) -> list[Sentence]:
    """The article's own sentences: a related-stories heading («مواضيع ذات صلة»,
    «قد يهمك») after at least two sentences of text ends the body, and what follows
    it (other stories' headlines and leads) is cut off; on a CNN page, so does the
    first question teaser of another story (`_teaser_start`), and other stories'
    headlines set between the body's paragraphs are left out (`_promo_paragraphs`). The items of a
    list a line ending with «:» introduces are left out (`colon_list_items`). `text`
    is the article the sentences come from (cheap pre-checks)."""
    if ":" in text or "：" in text:
        items = colon_list_items(sentences)
        if items:
            sentences = [s for s in sentences if s.index not in items]
    return _without_related(sentences, text)


# A closing question that hands over to the page's video: «ف» + an interrogative
# («فكيف ستكون تجربة قيادتها؟», «فهل …؟», «فما الذي يعنيه ذلك؟») or «شاهد: …؟»
_VIDEO_QUESTION_OPENERS = frozenset(
    tokenize("فكيف فهل فما فماذا فمن فلماذا فأين فمتى فأي فكم شاهد")
)


def _video_question(sentence: Sentence) -> bool:
    """Whether `sentence`, the last of a CNN page, is the question that introduces the
    video (bullets-40t, CN-technology-48: «… دون إعادة شحنها. فكيف ستكون تجربة
    قيادتها؟»): its answer is in the video, not in the text."""
    text = sentence.text
    if not text.rstrip('"”» ').endswith(("؟", "?")):
        return False
    first = tokenize(text[:24])[:1]
    return bool(first) and first[0] in _VIDEO_QUESTION_OPENERS


def _without_related(sentences: list[Sentence], text: str) -> list[Sentence]:
    """`body_sentences` without its list items: the CNN teaser tail, its closing video
    question (`_video_question`) and promo headlines, and the related-stories cut."""
    if _TEASER_SOURCE in text[:400]:
        teaser = _teaser_start(sentences)
        if teaser is not None:
            sentences = sentences[:teaser]
        if len(sentences) > 1 and _video_question(sentences[-1]):
            sentences = sentences[:-1]
        promos = _promo_paragraphs(sentences)
        if promos:
            sentences = [s for s in sentences if s.paragraph not in promos]
    if not _has_related_hint(text):
        return sentences
    body = 0  # sentences of text so far (not headings)
    for position, sentence in enumerate(sentences):
        # anchored: fails at the first letters of almost every sentence
        if _RELATED.match(sentence.text) is None:
            body += not sentence.heading
        elif body >= 2:
            return sentences[:position]
    return sentences


# A news dateline before the first sentence: "دمشق، سوريا (CNN) -- ", "المدينة نيوز :- ".
# Only the unambiguous separators ("--", ":-"): a single dash or colon is often text.
_DATELINE = re.compile(r"^[^\n!?؟:]{2,60}?\s*(?:--|:\s*-)\s*(?=\S)")


def strip_dateline(text: str) -> str:
    """Remove a leading dateline ("دمشق (CNN) -- ...") from a sentence."""
    if "--" not in text[:64] and ":-" not in text[:64] and ": -" not in text[:64]:
        return text
    stripped = _DATELINE.sub("", text, count=1)
    return stripped if len(stripped.split()) >= 4 else text
