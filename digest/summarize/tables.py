"""Rows of a specification table are not sentences (issue #13: sheet 40f, a phone
comparison whose rows «سامسونغ غالاكسي إس 9: 163 غرام هاتف آيفون: 174 غرام» became bullets).

A table pasted into an article's text keeps its labels: the same one or two words
before a colon come back row after row («… إس 9:», «هاتف آيفون:»). A label that ends
three or more colons in the article marks its rows; a sentence holding such a label is
a run of label/value fragments, never a bullet. A speaker introduced with a colon
(«قال الوزير:») is not a label: a verb of saying before the colon is left out.

One pass over the text per article and one per sentence; no regex, so linear.
"""

from __future__ import annotations

from collections import Counter

__all__ = ["TableLabels"]

# How often a label must end a colon in the article to mark table rows
_MIN_ROWS = 3
# Words of saying that introduce a quotation with a colon, not a table label
_SAYING_STEMS = ("قال", "قائل", "أضاف", "اضاف", "مضيف", "وأضاف", "تابع", "أكد", "أوضح", "صرح")


def _label_before(text: str, colon: int) -> str | None:
    """The two words before the colon at `colon` (None when fewer, or a verb of saying)."""
    words = text[max(0, colon - 80) : colon].split()[-2:]
    if len(words) < 2 or any(w.startswith(_SAYING_STEMS) for w in words):
        return None
    return " ".join(w.strip('"«»“”()') for w in words)


def _labels(text: str) -> list[str]:
    out: list[str] = []
    colon = text.find(":")
    while colon >= 0:
        # "10:30" is a time, not a label
        if not text[colon + 1 : colon + 2].isdigit():
            label = _label_before(text, colon)
            if label:
                out.append(label)
        colon = text.find(":", colon + 1)
    return out


class TableLabels:
    """The table labels of one article; `is_row` tells a sentence made of its rows."""

    def __init__(self, text: str) -> None:
        if text.count(":") < _MIN_ROWS:
            # most articles: too few colons for any label to recur, nothing to count
            self.labels: frozenset[str] = frozenset()
            return
        counts = Counter(_labels(text))
        self.labels = frozenset(label for label, n in counts.items() if n >= _MIN_ROWS)

    def __bool__(self) -> bool:
        return bool(self.labels)

    def is_row(self, sentence: str) -> bool:
        """Whether the sentence holds a colon after one of the article's table labels."""
        return bool(self.labels) and any(label in self.labels for label in _labels(sentence))
