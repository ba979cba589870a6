"""Our own sentence splitter for Arabic (and English) news text.

What it handles, and why:

* Headlines and section headings: a short line without final punctuation is its own
  segment, flagged ``heading`` so that summarisers can skip it.
* Hard-wrapped text (newspaper archives break lines every ~75 characters, mid-sentence):
  detected per document and unwrapped before splitting.
* Arabic punctuation: ``؟`` ends a sentence; ``،`` and ``؛`` never do, but `clauses` cuts
  an over-long sentence there into clean clauses.
* ``...`` / ``…`` end a sentence when a new one follows (not before «لكن/لكنهم/بل»,
  which carry the same sentence on).
* Glued sentences (``البواب.يقوم``): a full stop between Arabic letters is a boundary.
* Not boundaries: decimals (``3.5``), dotted names (``01.ai``, ``GPT-4o``), Latin
  abbreviations (``U.S.``, ``Dr.``), single-letter Arabic abbreviations (``د.``), a
  middle initial spelt in Arabic (``إليزابيث آر. كلويت``), a dotted acronym spelt in
  Arabic (``سي.إن.إن``, ``بي.أوت.كيو``, ``بي. إن. سبورتس``).
* Quotes: a full stop inside “…”, «…» or "…" does not end the sentence when the quote
  closes nearby, so sentences keep their quotes balanced.

Display text is kept as written (only invisible bidi marks are removed and spaces
collapsed); matching code normalises separately with `digest.arabic.normalize`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "Sentence",
    "clauses",
    "clean_line",
    "colon_list_items",
    "leading_clause_runs",
    "quotes_balanced",
    "segment",
    "split_sentences",
]

# Bidi controls and zero-width characters (EASC wraps commas in U+200F).
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ODD_SPACE = re.compile("[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_MULTI_SPACE = re.compile(" {2,}")
# _INVISIBLE or _ODD_SPACE: one scan tells whether either has anything to do.
_INVISIBLE_OR_ODD_SPACE = re.compile(
    "[\t\u00a0\u00ad\u2000-\u200f\u202a-\u202f\u205f\u2066-\u2069\u3000\ufeff]"
)
_LIST_MARKER = re.compile(r"^\s*(?:[-•*▪●◦–—·]+|\(?\d{1,2}[.)])\s+")

_TERMINATORS = ".!?؟…۔"
_CLOSERS = "”»\"')]’"
_FINAL = re.compile(r"[.!?؟…۔:]['\"”»’)\]]*\s*$")
_FINAL_MARKS = ".!?؟…۔:"
_QUOTE_PAIRS = {"“": "”", "«": "»", '"': '"'}
_MISPLACED_STOP = re.compile("(?:(?<=\\s)|^)[.](?=[\u0621-\u064a])")
# The same stops without the look-behind, which the regex engine would try at every
# position; the character before is checked in Python (see _has_misplaced_stop).
_STOP_BEFORE_ARABIC = re.compile("[.](?=[\u0621-\u064a])")
# (?<!\s): only from the start of a run of blanks (same matches, no quadratic rescan)
_SPACE_BEFORE_STOP = re.compile(r"(?<!\s)\s+([.!?؟…۔]+['\"”»’)\]]*)$")
_QUOTE_OPEN = re.compile('[“«"]')
_TERMINATOR_RUN = re.compile("[.!?؟…۔]+")
# Beyond this distance an opening quote is treated as stray and does not protect stops.
_MAX_QUOTE_SPAN = 400
_HEADING_MAX_WORDS = 14
# A paragraph's opening topic before a headline separator «..» (see _is_topic_separator)
_TOPIC_WORDS = 4
_TOPIC_QUOTE_WORDS = 12
_TOPIC_MAX_CHARS = 200
_TOPIC_BREAKS = "،,؛;:!?؟()\"“”«»'-–—"

_LETTER = re.compile(r"[^\W\d_]")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)*[A-Za-z]")
_ARABIC_LETTER = re.compile("[\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff]")
_ARABIC_RUN = re.compile("[\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff]+")


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Latin letters spelt in Arabic: a middle initial («إليزابيث آر. كلويت», «جون إف. كنيدي»)
# is written as one of these with a stop. («في» is left out: it is the preposition.)
_ARABIC_LETTER_NAMES = _wordset(
    "آر أر جي جيه إم إس إف إتش اتش دبليو كيه إل واي إكس زد بي سي دي تي يو إي إيه كيو"
)
# Letter names in dotted acronyms spelt in Arabic («سي.إن.إن», «بي.أوت.كيو»,
# «آي.أو.إس», «بي. إن. سبورتس»): the initials' names and the vowels' spellings, which
# are words of their own elsewhere («أو», «إن») and so are trusted only between stops
_DOTTED_LETTER_NAMES = _ARABIC_LETTER_NAMES | _wordset(
    "آي أي اي أو او إن ان أن ايه أيه آيه إيس اس أس ام ار إي ئي آى أل ال دابليو"
)
_LONGEST_LETTER_NAME = max(map(len, _DOTTED_LETTER_NAMES))
# What closes an acronym glued to its last letter («تي.في)», «تي.في"»)
_CLOSING = frozenset(')]»"”’')
# A word that opens a sentence of its own after a spelt initial, not a surname: the
# stop really ends the sentence there
_OPENS_SENTENCE = _wordset(
    "ما لا لم لن إن أن إنه إنها قد لقد كان كانت هذا هذه ذلك تلك في من على إلى عن مع ثم "
    "كما لكن هل وفي ومن هو هي بعد قبل منذ حتى كل"
)
# After an ellipsis these carry on the same sentence («عن المألوف... لكنهم شطحوا»): the
# clause before is not a statement of its own
_CONTINUES_AFTER_ELLIPSIS = _wordset("لكن لكنه لكنها لكنهم لكنني لكننا ولكن ولكنه ولكنها بل")

_LATIN_ABBREVIATIONS = _wordset(
    "mr mrs ms dr prof sr jr st inc ltd co corp vs etc e.g i.e al no fig jan feb mar apr "
    "jun jul aug sep sept oct nov dec gen gov sen rep mt approx dept est"
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One segment of a document, in reading order."""

    text: str
    index: int  # position among the document's segments (0-based)
    paragraph: int  # which paragraph (after unwrapping) it came from
    terminated: bool  # ended with sentence-final punctuation
    heading: bool = False  # a short unpunctuated line: title, section heading, link


def _is_arabic_letter(ch: str) -> bool:
    """Whether ch (one character, or "") matches _ARABIC_LETTER; comparisons are
    cheaper than a regex call."""
    return "\u0621" <= ch <= "\u064a" or "\u066e" <= ch <= "\u06d3" or "\u06fa" <= ch <= "\u06ff"


def clean_line(text: str) -> str:
    """Remove invisible marks, collapse spaces, strip list markers."""
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    return _LIST_MARKER.sub("", text, count=1).strip()


def _is_terminated(line: str) -> bool:
    """Whether _FINAL matches the last 16 characters (only the tail matters; searching
    a whole long line for "$" is slow)."""
    # _FINAL from the right: spaces, then closers, then a final mark (the three sets do
    # not overlap, so stripping them in turn leaves the mark last)
    tail = line[-16:].rstrip().rstrip(_CLOSERS)
    return bool(tail) and tail[-1] in _FINAL_MARKS


def _paragraphs(text: str) -> list[str]:
    """Lines of the text as paragraphs; hard-wrapped documents are unwrapped first."""
    lines = [line.strip() for line in _clean_text(text).split("\n")]
    non_empty = [line for line in lines if line]
    if not non_empty:
        return []
    widest = max(map(len, non_empty))
    # hard-wrapped documents have no line wider than 160 characters
    wrapped = widest <= 160 and _looks_wrapped(non_empty, widest)
    if not wrapped:
        # every line is a paragraph of its own
        return _clean_paragraphs(non_empty)
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        if current and _LIST_MARKER.match(line):
            paragraphs.append(" ".join(current))
            current = []
        current.append(line)
        if _is_terminated(line):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return _clean_paragraphs(paragraphs)


def _clean_text(text: str) -> str:
    """The text without invisible marks, with plain single spaces and "\\n" line ends
    (one pass over the whole text, not one per line)."""
    # Invisible marks, odd spaces and "\r" are all unprintable: when every line is
    # printable (most texts; str.isprintable is several times faster than a regex
    # scan), only runs of spaces can be left to clean.
    if not all(map(str.isprintable, text.split("\n"))):
        if _INVISIBLE_OR_ODD_SPACE.search(text):
            text = _ODD_SPACE.sub(" ", _INVISIBLE.sub("", text))
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
    # _MULTI_SPACE.sub(" ", text), without the regex trying a match at every space
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def _looks_wrapped(lines: list[str], widest: int) -> bool:
    """Whether many of the (non-empty) lines are long and end mid-sentence."""
    long_open = sum(1 for line in lines if len(line) >= 0.7 * widest and not _is_terminated(line))
    return long_open >= 2 and long_open >= 0.3 * len(lines)


def _clean_paragraphs(paragraphs: list[str]) -> list[str]:
    """Paragraphs without a leading list marker, visual-order stops repaired, empty
    ones dropped. (Lines are already free of invisible marks and runs of spaces.)"""
    cleaned: list[str] = []
    for paragraph in paragraphs:
        # the marker is anchored at the start: a match there is the only one
        marker = _LIST_MARKER.match(paragraph)
        if marker:
            paragraph = paragraph[marker.end() :].strip()
        paragraph = _repair_visual_order(paragraph)
        if paragraph:
            cleaned.append(paragraph)
    return cleaned


def _repair_visual_order(paragraph: str) -> str:
    """Pages stored in visual order put a paragraph's final stop in front of a word
    (" .الناشر"). In a paragraph without final punctuation such stops are misplaced:
    drop them and end the paragraph with one. (With final punctuation, " .X" is a real
    boundary typed before a glued sentence, as in "للإنسان .وللناي".)"""
    if _is_terminated(paragraph) or not _has_misplaced_stop(paragraph):
        return paragraph
    return _MISPLACED_STOP.sub("", paragraph).rstrip() + "."


def _has_misplaced_stop(paragraph: str) -> bool:
    """Whether _MISPLACED_STOP matches: a stop before an Arabic letter, at the start or
    after whitespace."""
    for stop in _STOP_BEFORE_ARABIC.finditer(paragraph):
        at = stop.start()
        if at == 0 or paragraph[at - 1].isspace():
            return True
    return False


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans inside quotes that close within _MAX_QUOTE_SPAN characters."""
    spans: list[tuple[int, int]] = []
    if '"' not in text and "“" not in text and "«" not in text:
        return spans  # most paragraphs: three substring tests instead of a regex scan
    n = len(text)
    match = _QUOTE_OPEN.search(text)
    while match:
        i = match.start()
        closer = _QUOTE_PAIRS[match.group()]
        end = text.find(closer, i + 1, min(n, i + 1 + _MAX_QUOTE_SPAN))
        if end == -1:
            match = _QUOTE_OPEN.search(text, i + 1)
            continue
        spans.append((i, end))
        match = _QUOTE_OPEN.search(text, end + 1)
    return spans


def _is_boundary(text: str, pos: int, end: int) -> bool:
    """Whether the terminator run text[pos:end] ends a sentence."""
    n = len(text)
    if end >= n:
        return True
    nxt = text[end]
    if end - pos == 1 and text[pos] == ".":
        if nxt.isspace():
            # the word before the stop (paragraphs hold single spaces only, see
            # _paragraphs)
            word = text[text.rfind(" ", 0, pos) + 1 : pos].lstrip("(\"'“«")
            # Latin abbreviations and initials: not a word that opens with a character of
            # the Arabic block (most words here; those characters casefold to themselves,
            # so such a word never casefolds into the ASCII set, and it is no initial)
            if not "\u0600" <= word[:1] <= "\u06ff":
                if word.casefold() in _LATIN_ABBREVIATIONS:
                    return False
                # U.S. / J. Smith / e.g. : single Latin letters between dots (such words
                # have an odd length and are ASCII: cheap tests before the regex)
                if len(word) % 2 and word.isascii() and _INITIALS.fullmatch(word):
                    return False
            # د. / م. as a standalone word: Arabic title abbreviations
            if len(word) == 1 and _is_arabic_letter(word):
                return False
            if word in _ARABIC_LETTER_NAMES and _is_spelt_initial(text, pos - len(word), end):
                return False
            if word in _DOTTED_LETTER_NAMES and _in_spaced_acronym(text, pos - len(word), end):
                return False
            if "." in word and _dotted_initials(word) and _name_goes_on(text, end):
                return False  # «هارفارد تي.إتش. تشان»: glued initials, then the surname
            # the first character after the spaces (without copying the rest of the text;
            # most stops have one space after them, and the loop is for the others)
            following = text[end + 1 : end + 2]
            if following.isspace():
                after = end + 2
                while after < n and text[after].isspace():
                    after += 1
                following = text[after : after + 1]
            if following and following in "،,؛;":
                return False  # 'Kinect". ، مرة أمام': a stray stop, the sentence goes on
            # English sentences start with a capital; a lower-case word continues
            return not (following.isascii() and following.islower())
        # glued: "البواب.يقوم" is a boundary, "3.5", "01.ai", "example.com" are not
        # "الإنسان .وللناي": a stop typed after a space and glued to the next sentence
        # Every exception below (agency initials, acronyms, a spelt initial) needs an
        # Arabic letter on both sides of the stop, and so does a boundary after a letter:
        # the other stops are decided by the two characters around them.
        if not _is_arabic_letter(nxt):
            return False
        prev = text[pos - 1] if pos > 0 else ""
        if not _is_arabic_letter(prev):
            return prev.isdigit() or prev.isspace() or prev in _CLOSERS
        if (
            not (text[pos - 2] if pos > 1 else " ").isalpha()
            and not (text[end + 1] if end + 1 < n else " ").isalpha()
        ):
            return False  # د.ب.أ / أ.ف.ب: a news agency's dotted initials
        return not (_in_glued_acronym(text, pos, end) or _glued_initial(text, pos, end))
    if nxt.isspace():
        if text[pos] in ".…" and text[end - 1] in ".…" and (end - pos >= 3 or text[pos] == "…"):
            return _next_word(text, end) not in _CONTINUES_AFTER_ELLIPSIS
        return True
    return _is_arabic_letter(nxt)


def _is_topic_separator(paragraph: str, pos: int, end: int) -> bool:
    """Whether the run paragraph[pos:end] is a headline separator «..» inside the
    paragraph's first sentence, not its end: «"اللسان المُشعر الأسود".. مشهد قد يثير …»,
    «العلاج بالجراثيم .. هذه الكائنات …», «"هدية" .. بهذه الكلمة وصف …». The text before
    it is a topic that the words after it speak about, not a statement: a wholly quoted
    phrase (a name, a saying, up to _TOPIC_QUOTE_WORDS words) or a short phrase of at most
    _TOPIC_WORDS words without punctuation (one bare word is more often a
    discourse marker, «ثانيا..», «شاهد ..», than a topic). Split there, the first piece is a bare
    fragment and the second lacks its subject. (Elsewhere «..» joins statements of their
    own: «هذا ليس سهلا .. هذه هي الحياة», measured on the ANT and EASC tune texts.)"""
    if (
        paragraph[pos:end] != ".."
        or pos > _TOPIC_MAX_CHARS  # bounded: a long run of text is no topic
        or end >= len(paragraph)
        or not paragraph[end].isspace()
    ):
        return False
    topic = paragraph[:pos].rstrip()
    if not topic or not _next_word(paragraph, end)[:1].isalpha():
        return False
    opener = topic[0]
    if opener in _QUOTE_PAIRS and topic[-1] == _QUOTE_PAIRS[opener] and len(topic) > 2:
        inner = topic[1:-1]
        return (
            opener not in inner
            and _QUOTE_PAIRS[opener] not in inner
            and len(inner.split()) <= _TOPIC_QUOTE_WORDS
        )
    words = topic.split()
    return (
        2 <= len(words) <= _TOPIC_WORDS
        and all(_LETTER.match(word) for word in words)
        and not any(mark in topic for mark in _TOPIC_BREAKS)
    )


def _next_word(text: str, end: int) -> str:
    """The word after the blanks that follow position `end` (up to the next space)."""
    after = end
    while after < len(text) and text[after].isspace():
        after += 1
    stop = text.find(" ", after, after + 40)
    return text[after : stop if stop >= 0 else after + 40]


def _is_spelt_initial(text: str, start: int, end: int) -> bool:
    """Whether the spelt Latin letter at text[start:end] («آر.») is a name's middle
    initial: the word before is no spelt letter (then it is an acronym: «بي بي سي.»)
    and the word after is a surname, not a word opening a sentence (a conjunction or
    «ال» glued to it, a particle)."""
    before = text[text.rfind(" ", 0, max(0, start - 1)) + 1 : max(0, start - 1)]
    if not before or not _is_arabic_letter(before[-1:]) or before in _ARABIC_LETTER_NAMES:
        return False
    return _name_goes_on(text, end)


def _name_goes_on(text: str, end: int) -> bool:
    """Whether the word after position `end` goes on a name (a surname, «تشان»), not a
    word that opens a sentence of its own (a conjunction or «ال» glued to it, a
    particle)."""
    following = _next_word(text, end).rstrip("،,؛;:.")
    if not following or not _is_arabic_letter(following[0]):
        return False
    return not (following[0] in "وف" or following.startswith("ال") or following in _OPENS_SENTENCE)


def _dotted_initials(word: str) -> bool:
    """Whether `word` is Latin initials spelt in Arabic and glued by stops («تي.إتش»)."""
    parts = word.split(".")
    return len(parts) > 1 and all(part in _DOTTED_LETTER_NAMES for part in parts)


def _glued_initial(text: str, pos: int, end: int) -> bool:
    """Whether the stop text[pos:end], glued between Arabic letters, follows a spelt
    Latin initial that is a word of its own after a name and goes on with the surname
    («هارفارد تي.إتشتشان», «جيه.مورغان»): a middle initial typed without its space,
    not two glued sentences («… البواب.يقوم»)."""
    # a letter's name is at most five letters («دبليو»): its space is this close
    space = text.rfind(" ", max(0, pos - 6), pos)
    if space < 0 or text[space + 1 : pos] not in _ARABIC_LETTER_NAMES:
        return False  # (most glued stops: one bounded search and a set lookup)
    return _is_spelt_initial(text, space + 1, end)


def _letters_before(text: str, pos: int, limit: int) -> str:
    """The run of Arabic letters that ends at pos, cut to its last `limit` letters (a
    regex match over a reversed window of the text: in C, not a loop per character)."""
    start = max(0, pos - limit)
    if _ARABIC_RUN.fullmatch(text, start, pos):
        return text[start:pos]  # the whole window is letters (most calls: a long word)
    window = text[start:pos][::-1]
    run = _ARABIC_RUN.match(window)
    return run.group()[::-1] if run else ""


def _letters_after(text: str, end: int) -> str:
    """The run of Arabic letters that starts at end."""
    run = _ARABIC_RUN.match(text, end)
    return run.group() if run else ""


def _in_glued_acronym(text: str, pos: int, end: int) -> bool:
    """Whether the stop text[pos:end], glued between Arabic letters, is one of a dotted
    acronym spelt in Arabic («سي.إن.إن», «بي.أوت.كيو», «آي.فون»): a letter's name on
    one side, a short piece on the other. Not when the piece after is a word that opens
    a sentence of its own (glued sentences: «… بي بي سي.وقال») unless a bracket or quote
    closes it right away («(آي.جي.تي.في)»), «ال…», or a long word after a long one
    («للذكاء.سي»)."""
    # only whether `left` is a letter's name or at most 4 letters long matters: a run
    # cut to one letter more than the longest name answers both as the whole run does
    left = _letters_before(text, pos, _LONGEST_LETTER_NAME + 1)
    if not left or (len(left) > 4 and left not in _DOTTED_LETTER_NAMES):
        return False  # (most glued sentences: a long word before, no need for the right)
    right = _letters_after(text, end)
    if not right:
        return False
    if not (left in _DOTTED_LETTER_NAMES or (right in _DOTTED_LETTER_NAMES and len(left) <= 4)):
        return False
    if right in _DOTTED_LETTER_NAMES:
        return True
    if left in _DOTTED_LETTER_NAMES and text[end + len(right) : end + len(right) + 1] in _CLOSING:
        return True  # «(آي.جي.تي.في)»: «في» closed by the bracket is V, no sentence
    return (
        len(right) <= 5
        and right not in _OPENS_SENTENCE
        and not right.startswith(("ال", "و"))
        and not (right[0] == "ف" and len(right) > 3)
    )


def _in_spaced_acronym(text: str, start: int, end: int) -> bool:
    """Whether the letter's name at text[start:end] («بي.» of «بي. إن. سبورتس») is in
    the middle of a dotted acronym written with spaces: the next word is another
    letter's name with its stop, or the word before is one and the next word goes on
    the name (no conjunction, «ال» or particle opening a sentence)."""
    following = _next_word(text, end)
    if following.endswith(".") and following[:-1] in _DOTTED_LETTER_NAMES:
        return True
    before = text[text.rfind(" ", 0, max(0, start - 1)) + 1 : max(0, start - 1)].lstrip("(\"'“«")
    if not (before.endswith(".") and before[:-1] in _DOTTED_LETTER_NAMES):
        return False
    following = following.rstrip("،,؛;:.")
    return bool(following) and not (
        following[0] in "وف" or following.startswith("ال") or following in _OPENS_SENTENCE
    )


def _terminator_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each maximal run of _TERMINATORS in text, in order: the matches
    of _TERMINATOR_RUN, found with str.find (a regex scan over a character class costs
    several times more, and most paragraphs hold only full stops)."""
    present = [terminator for terminator in _TERMINATORS if terminator in text]
    if not present:
        return []
    positions: list[int] = []
    for terminator in present:
        at = text.find(terminator)
        while at != -1:
            positions.append(at)
            at = text.find(terminator, at + 1)
    if len(present) > 1:
        positions.sort()
    runs: list[tuple[int, int]] = []
    start = last = positions[0]
    for at in positions[1:]:
        if at != last + 1:
            runs.append((start, last + 1))
            start = at
        last = at
    runs.append((start, last + 1))
    return runs


def _split_paragraph(paragraph: str) -> list[tuple[str, bool]]:
    """(sentence, terminated) pairs of one paragraph."""
    protected = _protected_spans(paragraph)
    pieces: list[tuple[str, bool]] = []
    start = 0
    n = len(paragraph)
    span_index = 0
    # each run starts at or after where the previous sentence ended: the characters a
    # sentence is extended by (closers, a closing quote) are not terminators
    for i, end in _terminator_runs(paragraph):
        if start == 0 and end - i == 2 and _is_topic_separator(paragraph, i, end):
            continue
        if not protected:
            if not _is_boundary(paragraph, i, end):
                continue
        else:
            while span_index < len(protected) and protected[span_index][1] < i:
                span_index += 1
            inside = (
                span_index < len(protected)
                and protected[span_index][0] < i < protected[span_index][1]
            )
            if inside:
                # a stop right before the closing quote ends the sentence after the quote
                close = protected[span_index][1]
                after = paragraph[close + 1 : close + 2]
                if end == close and (not after or after.isspace()):
                    end = close + 1
                else:
                    continue
            elif not _is_boundary(paragraph, i, end):
                continue
        while end < n and paragraph[end] in _CLOSERS and _closer_belongs(paragraph, start, end):
            end += 1
        piece = paragraph[start:end].strip()
        # most pieces end with one stop right after a word: nothing to drop (the test
        # _drop_space_before_stop would make, without the call)
        if not (
            piece[-1:] in _TERMINATORS
            and piece[-2:-1] not in _TERMINATORS
            and not piece[-2:-1].isspace()
        ):
            piece = _drop_space_before_stop(piece)
        pieces.append((piece, True))
        start = end
    rest = paragraph[start:].strip()
    if rest:
        pieces.append((rest, _is_terminated(rest)))
    return _merge_fragments(pieces)


def _drop_space_before_stop(piece: str) -> str:
    """``_SPACE_BEFORE_STOP.sub(r"\\1", piece)``: "word ." -> "word.". The pattern is
    anchored at the end and its three character sets (spaces, stops, closers) do not
    overlap, so stripping them from the right finds its match without a regex scan
    (which tries every space of the sentence)."""
    core = piece.rstrip(_CLOSERS)
    body = core.rstrip(_TERMINATORS)
    if len(body) < len(core) and body[-1:].isspace():
        return body.rstrip() + piece[len(body) :]
    return piece


def _closer_belongs(paragraph: str, start: int, end: int) -> bool:
    """A closing quote/bracket after a stop belongs to the sentence if it closes one."""
    piece = paragraph[start:end]
    ch = paragraph[end]
    if ch in "”»’":
        opener = {"”": "“", "»": "«", "’": "‘"}[ch]
        return piece.count(opener) > piece.count(ch)
    if ch == '"':
        return piece.count('"') % 2 == 1
    if ch == "'":
        return piece.count("'") % 2 == 1
    if ch == ")":
        return piece.count("(") > piece.count(")")
    if ch == "]":
        return piece.count("[") > piece.count("]")
    return False


def _has_letters(text: str) -> bool:
    # most pieces start with a letter (alphabetic characters all match _LETTER)
    return text[:1].isalpha() or _LETTER.search(text) is not None


def _merge_fragments(pieces: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Glue pieces without letters (stray numbers, lone punctuation) to a neighbour."""
    merged: list[tuple[str, bool]] = []
    # only the first piece can lack letters once glued: later ones are kept only with
    # letters, and gluing letterless text to a piece does not change whether it has any
    first_has_letters = True
    for text, terminated in pieces:
        if not text:
            continue
        if not merged:
            first_has_letters = _has_letters(text)
        elif not _has_letters(text):
            previous, _ = merged[-1]
            merged[-1] = (f"{previous} {text}".strip(), terminated)
            continue
        merged.append((text, terminated))
    if first_has_letters:
        return merged
    if len(merged) == 1:
        return []
    first, _ = merged.pop(0)
    text, terminated = merged[0]
    merged[0] = (f"{first} {text}", terminated)
    return merged


# The slots of Sentence, set directly: `_new_sentence` builds the same frozen object as
# Sentence(...) at about 60 % of the cost (the generated __init__ of a frozen dataclass
# goes through object.__setattr__ once per field; ~15 sentences per article)
_SENTENCE_SLOTS = tuple(
    Sentence.__dict__[name].__set__
    for name in ("text", "index", "paragraph", "terminated", "heading")
)


def _new_sentence(
    text: str,
    index: int,
    paragraph: int,
    terminated: bool,
    heading: bool,
) -> Sentence:
    """``Sentence(text, index, paragraph, terminated, heading)``, equal field for field
    (Sentence has no __post_init__ or validation to skip)."""
    sentence: Sentence = object.__new__(Sentence)
    set_text, set_index, set_paragraph, set_terminated, set_heading = _SENTENCE_SLOTS
    set_text(sentence, text)
    set_index(sentence, index)
    set_paragraph(sentence, paragraph)
    set_terminated(sentence, terminated)
    set_heading(sentence, heading)
    return sentence


def segment(text: str) -> list[Sentence]:
    """Split a document into sentences and headings, in reading order."""
    out: list[Sentence] = []
    paragraphs = _paragraphs(text)
    several = len(paragraphs) > 1
    for p_index, paragraph in enumerate(paragraphs):
        pieces = _split_paragraph(paragraph)
        alone = several and len(pieces) == 1
        for piece, terminated in pieces:
            heading = alone and not terminated and len(piece.split()) <= _HEADING_MAX_WORDS
            out.append(_new_sentence(piece, len(out), p_index, terminated, heading))
    return out


# A list item standing for a line of its own is this many words at most
_ITEM_MAX_WORDS = 12
_COLONS = (":", "：")


def colon_list_items(sentences: list[Sentence]) -> frozenset[int]:
    """The indexes of the items of a list a line ending with «:» introduces: sentences
    alone in their paragraph, of at most 12 words, right after that line or after such
    an item («وكانت نسبة الإصابة أعلى عند …:» then «7 في المئة من …», «9 في المئة ممن
    …»). Without the line they read as fragments (bullets-40k, BB-technology-267), and
    with it they are a list, not a statement. `sentences`: `segment`'s, in order. One
    pass, counting each sentence's words once."""
    found: set[int] = set()
    for k in range(1, len(sentences)):
        sentence, before = sentences[k], sentences[k - 1]
        if sentence.paragraph == before.paragraph:
            continue
        if k + 1 < len(sentences) and sentences[k + 1].paragraph == sentence.paragraph:
            continue  # a paragraph of several sentences is text
        if not (before.text.rstrip().endswith(_COLONS) or before.index in found):
            continue
        if len(sentence.text.split()) <= _ITEM_MAX_WORDS:
            found.add(sentence.index)
    return frozenset(found)


def split_sentences(text: str) -> list[str]:
    """Sentence (and heading) strings of a document, in order."""
    return [sentence.text for sentence in segment(text)]


_CLAUSE_CUT = re.compile(r"(?<=[،؛;])\s+|(?<=[^\d],)\s+|(?<=\d,)\s+(?=\D)")
_CLAUSE_MARKS = "،؛;,"


def _clause_cuts(sentence: str) -> list[tuple[int, int]]:
    """Spans of the matches of _CLAUSE_CUT, found from the commas and semicolons with
    str.find (the regex tries its look-behinds at every character, which is slow)."""
    n = len(sentence)
    starts: list[int] = []
    for mark in _CLAUSE_MARKS:
        at = sentence.find(mark)
        while at != -1:
            if at + 1 < n and sentence[at + 1].isspace():
                starts.append(at + 1)
            at = sentence.find(mark, at + 1)
    starts.sort()
    cuts: list[tuple[int, int]] = []
    for start in starts:
        end = start + 1
        while end < n and sentence[end].isspace():
            end += 1
        mark = sentence[start - 1]
        if mark != ",":
            cuts.append((start, end))  # after ، ؛ ;
        elif start < 2:
            continue  # a comma that opens the text: neither look-behind fits
        # after a digit's comma the cut needs a non-digit next: "1, 2" is no cut, "1, x"
        # is, "1,  2" is minus the last space (where the regex backtracks to)
        elif not sentence[start - 2].isdecimal() or (end < n and not sentence[end].isdecimal()):
            cuts.append((start, end))
        elif end - start >= 2:
            cuts.append((start, end - 1))
    return cuts


def clauses(sentence: str) -> list[str]:
    """Comma/semicolon clauses of a sentence, punctuation kept on the left piece.
    Thousands separators (``1,000``) are not cuts."""
    # the pieces of _CLAUSE_CUT.split(sentence)
    parts: list[str] = []
    previous_end = 0
    for start, end in _clause_cuts(sentence):
        parts.append(sentence[previous_end:start].strip())
        previous_end = end
    parts.append(sentence[previous_end:].strip())
    return [part for part in parts if part]


_NON_CURLY_PAIRS = (("«", "»"), ("(", ")"), ("[", "]"))


def quotes_balanced(text: str) -> bool:
    """True when every opening quote or bracket in text is closed, and vice versa (a
    text using one curly mark for both ends, "“X“", is balanced when they pair up)."""
    if text.count('"') % 2:
        return False
    if ("“" in text) != ("”" in text):
        # one curly mark used for both ends ("“زلاتان“", common in Arabic web text):
        # balanced when they pair up
        return not (text.count("“") + text.count("”")) % 2 and _others_balanced(text)
    return _others_balanced(text, curly=True)


def _others_balanced(text: str, *, curly: bool = False) -> bool:
    pairs = (("“", "”"), ("«", "»"), ("(", ")"), ("[", "]")) if curly else _NON_CURLY_PAIRS
    for opener, closer in pairs:
        if closer not in text:
            if opener in text:
                return False
            continue
        if text.count(opener) != text.count(closer):
            return False
        # no closer before its opener: at each closer, more openers than closers so far
        # (str.find and str.count instead of a Python loop over every character)
        opened = closed = 0
        counted_to = 0
        at = text.find(closer)
        while at != -1:
            opened += text.count(opener, counted_to, at)
            closed += 1
            if opened < closed:
                return False
            counted_to = at
            at = text.find(closer, at + 1)
    return True


def leading_clause_runs(sentence: str, max_chars: int) -> Iterator[str]:
    """The sentence's leading runs of ``،``/``؛``/``,``/``;`` clauses, each ending with a
    full stop, shortest first, while they fit max_chars (never the whole sentence)."""
    prefix = ""
    for part in clauses(sentence)[:-1]:
        prefix = f"{prefix} {part}".strip()
        candidate = prefix.rstrip("،؛,;: ") + "."
        if len(candidate) > max_chars:
            return
        yield candidate
