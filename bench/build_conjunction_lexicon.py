"""Build digest/data/conjunction_lexicon.txt.gz: which words starting with و are a
conjunction glued to a word in its own right, and which are words whose first letter is
their own, by counting the ANT pool (unsupervised word counts; the dev split's articles
are left out, so nothing the bullets are judged on is read).

A word W = و + X is a conjunction and X (issue #13 point 4) when X is a word of its
own (at least MIN_REST occurrences) and W never behaves as a word of its own: no
preposition, article or second conjunction glued before it («بوصف»، «الوحدة»، «ووصل»:
a conjunction cannot follow those), at most OWN_SHARE of W's occurrences. Words with
such evidence are listed as "own" so that the article-based rule leaves them whole too.

Run: ``python bench/build_conjunction_lexicon.py [--pool ../shared/corpora/ant/pool.jsonl]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.arabic import tokenize  # noqa: E402

DEFAULT_POOL = ROOT.parent / "shared" / "corpora" / "ant" / "pool.jsonl"
DEFAULT_DEV = ROOT.parent / "shared" / "corpora" / "ant" / "dev.jsonl"
OUT = ROOT / "digest" / "data" / "conjunction_lexicon.txt.gz"

MIN_WORD = 3  # occurrences of W to decide anything about it
MIN_REST = 5  # occurrences of X alone for it to be a word in its own right
OWN_SHARE = 0.01  # W glued after ب/ل/ك/ال/و/بال/لل/فال in more of its uses: its letter is its own
_BEFORE = ("و", "ب", "ل", "ك", "ال", "بال", "فال", "وال", "لل", "ف")
# Read as words of their own although the counts do not show it: forms of verbs whose
# first letter is و with a pronoun («وجده» found it, «وجهته» its destination, «وصلته»,
# «وثبت»), and a name («واين» Wayne): the rest is a word too («جده» Jeddah, «اين»).
_OWN_ANYWAY_WORDS = """وجده وجدي وصلته وصلتها وصلي وفروا وهبت وثقه وثقته وسعوا وجهته وجهتها ورده
وردنا وصمت وصمتها وصبت وثبت واين"""
OWN_ANYWAY = frozenset(_OWN_ANYWAY_WORDS.split())


def count_words(pool: Path, skip_ids: set[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    with pool.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            if str(record.get("id")) in skip_ids:
                continue
            for part in (record.get("title") or "", record.get("text") or ""):
                counts.update(tokenize(str(part)))
    return counts


def classify(counts: Counter[str]) -> tuple[list[str], list[str]]:
    """(conjunction words, own-letter words), each sorted."""
    conjunction: list[str] = []
    own: list[str] = []
    for word, count in counts.items():
        # و only: words of their own starting with ف whose rest is a word too are many
        # and often names («فالكون»، «فيصل»، «فقاعة»), and the counts miss them
        if len(word) < 4 or word[0] != "و" or count < MIN_WORD:
            continue
        if word in OWN_ANYWAY:
            own.append(word)
            continue
        glued = sum(counts.get(before + word, 0) for before in _BEFORE)
        if glued > max(1, OWN_SHARE * count):
            own.append(word)
        elif counts.get(word[1:], 0) >= MIN_REST and word[1:2] != word[0]:
            conjunction.append(word)
    return sorted(conjunction), sorted(own)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pool", type=Path, default=DEFAULT_POOL)
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV, help="ids left out")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    skip: set[str] = set()
    if args.dev.exists():
        with args.dev.open(encoding="utf-8") as handle:
            skip = {str(json.loads(line).get("id")) for line in handle if line.strip()}
    counts = count_words(args.pool, skip)
    conjunction, own = classify(counts)
    text = "\n".join(
        [
            f"# built by bench/build_conjunction_lexicon.py from the ANT pool without dev "
            f"({len(skip)} ids left out); min word {MIN_WORD}, min rest {MIN_REST}, "
            f"own share {OWN_SHARE}",
            "conjunction\t" + " ".join(conjunction),
            "own\t" + " ".join(own),
            "",
        ]
    )
    args.out.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    print(f"{args.out}: {len(conjunction)} conjunction words, {len(own)} own-letter words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
