"""Train the semantic stem vectors of the event model (issue #14): LSA on the ANT pool.

    python -m digest.eval.story_lsa [--pool ../shared/corpora/ant/pool.jsonl]   (make train-stories)

Each pool article becomes a TF-IDF vector (sublinear tf, idf = ln(N / df)) over the
`VOCABULARY` most frequent stems of its title and first `BODY_WORDS` content words (the
clusterer's light stems, `digest.cluster.content_words`; stems in more than `MAX_DF_SHARE`
of the articles are left out), L2-normalised. A randomized truncated SVD (`POWER` power
iterations, fixed seed: deterministic) gives each stem a `DIMS`-dimensional loading;
two reports written in different words about one event land near each other because
their words co-occur in other pool articles.

Written to ``digest/data/story_lsa.txt.gz`` (see `digest.story_signals.StemVectors`): per
stem its int8 vector (base64) and its scale. Stem statistics only, never text.
numpy is needed here (a dev dependency), not at run time.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import math
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from ..cluster import content_words
from ..story_signals import LSA_FILE
from .story_pairs import DEFAULT_POOL, Article, read_pool

DATA = Path(__file__).resolve().parents[1] / "data"
VOCABULARY = 20_000
DIMS = 96
BODY_WORDS = 300
MIN_DF = 3
MAX_DF_SHARE = 0.3
POWER = 3
OVERSAMPLE = 20
SEED = 14
CHUNK = 500_000  # non-zeros per step of the sparse products (bounds memory)


def train(articles: Sequence[Article], dims: int = DIMS, vocabulary: int = VOCABULARY) -> bytes:
    """The gzip'd artefact for `articles` (format in `digest.story_signals.StemVectors`)."""
    import numpy as np

    stems: dict[str, str] = {}
    counts = []
    df: Counter[str] = Counter()
    for article in articles:
        words = content_words(article.title, stems)
        words += content_words(article.text[:6000], stems)[:BODY_WORDS]
        count = Counter(words)
        counts.append(count)
        df.update(count.keys())
    n = len(articles)
    kept = sorted(
        (s for s, c in df.items() if MIN_DF <= c <= MAX_DF_SHARE * n), key=lambda s: (-df[s], s)
    )[:vocabulary]
    index = {s: i for i, s in enumerate(kept)}
    idf = np.array([math.log(n / df[s]) for s in kept], dtype=np.float64)
    rows, cols, vals = [], [], []
    for d, count in enumerate(counts):
        pairs = sorted((index[s], 1.0 + math.log(c)) for s, c in count.items() if s in index)
        if not pairs:
            continue
        ix = np.array([i for i, _ in pairs])
        v = np.array([t for _, t in pairs]) * idf[ix]
        rows.append(np.full(len(ix), d))
        cols.append(ix)
        vals.append(v / np.linalg.norm(v))
    r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)

    def times(m: np.ndarray, left: np.ndarray, right: np.ndarray, size: int) -> np.ndarray:
        out = np.zeros((size, m.shape[1]))
        for s in range(0, len(v), CHUNK):
            part = slice(s, s + CHUNK)
            np.add.at(out, left[part], v[part, None] * m[right[part]])
        return out

    rng = np.random.default_rng(SEED)
    y = times(rng.standard_normal((len(kept), dims + OVERSAMPLE)), r, c, n)
    for _ in range(POWER):
        q, _ = np.linalg.qr(y)
        z, _ = np.linalg.qr(times(q, c, r, len(kept)))
        y = times(z, r, c, n)
    q, _ = np.linalg.qr(y)
    _, _, vt = np.linalg.svd(times(q, c, r, len(kept)).T, full_matrices=False)
    loadings = vt[:dims].T
    # The sign of a singular vector is arbitrary: fix it (largest entry positive).
    loadings *= np.sign(loadings[np.abs(loadings).argmax(axis=0), range(dims)])
    scales = np.abs(loadings).max(axis=1) / 127.0
    scales[scales == 0] = 1.0
    quantised = np.rint(loadings / scales[:, None]).astype(np.int8)
    header = {
        "about": "LSA stem vectors of the ANT pool (digest.eval.story_lsa, issue #14)",
        "documents": n,
        "dims": dims,
    }
    lines = [json.dumps(header)]
    for stem, scale, row in zip(kept, scales, quantised, strict=True):
        code = base64.b64encode(row.tobytes()).decode("ascii")
        lines.append(f"{stem}\t{float(scale):.6g}\t{code}")
    return gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="train the LSA stem vectors")
    parser.add_argument("--pool", type=Path, default=DEFAULT_POOL)
    parser.add_argument("--out", type=Path, default=DATA / LSA_FILE)
    args = parser.parse_args(argv)
    data = train(read_pool(args.pool))
    args.out.write_bytes(data)
    print(f"{len(data)} bytes written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
