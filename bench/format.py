"""Formatter speed: render a 200-story digest for every platform and print the numbers.

Run: .venv/bin/python bench/format.py
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from digest.format import render_discord, render_json, render_markdown, render_plain
from digest.format.bidi import rtl_line
from digest.format.telegram import render_telegram
from digest.models import Source, Story

BULLETS = (
    "أعلنت شركة DeepSeek الصينية عن نموذج R1 الجديد الذي يضاهي GPT-4o.",
    "درب النموذج على شرائح Nvidia H800 بتكلفة قدرها 5.6 مليون دولار في 2025-01-20.",
    "تعاونت 01.ai مع الشركة، والتفاصيل على https://example.com/deepseek?id=1&lang=ar.",
    "تراجعت أسهم شركات الرقائق الأمريكية بنسبة 17% بعد الإعلان.",
)


def stories(count: int) -> list[Story]:
    start = datetime(2026, 1, 20, tzinfo=UTC)
    return [
        Story(
            article_id=n,
            title=f"DeepSeek تطلق نموذج R1 مفتوح المصدر — الخبر {n}",
            url=f"https://example.com/news/{n}",
            bullets=BULLETS,
            published=start + timedelta(minutes=n),
            source=Source("البوابة العربية للأخبار التقنية", "https://aitnews.example/"),
            other_sources=(Source("TechCrunch", "https://techcrunch.example/"),),
            topics=("ai",),
        )
        for n in range(count)
    ]


def timed(name: str, fn: Callable[[], object], repeat: int = 5) -> None:
    best = float("inf")
    result: object = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    size = f"{len(result)} messages" if isinstance(result, list) else f"{len(str(result))} chars"
    print(f"{name:<28} {best * 1000:8.1f} ms   ({size})")


def main() -> None:
    batch = stories(200)
    print("200 stories, best of 5:")
    timed("render_telegram", lambda: render_telegram(batch, header="ملخص", language="ar"))
    timed("render_discord", lambda: render_discord(batch, header="ملخص", language="ar"))
    timed("render_markdown", lambda: render_markdown(batch, header="ملخص", language="ar"))
    timed("render_plain", lambda: render_plain(batch, header="ملخص", language="ar"))
    timed("render_json", lambda: render_json(batch))
    lines = [b for _ in range(250) for b in BULLETS]
    timed("rtl_line x1000 bullets", lambda: [rtl_line(line) for line in lines])


if __name__ == "__main__":
    main()
