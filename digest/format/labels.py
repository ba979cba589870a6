"""The few bilingual labels the formatters print. Topic names come from the caller."""

from __future__ import annotations

from datetime import date, datetime

from digest.format.bidi import Direction, language_direction

_LABELS: dict[str, dict[str, str]] = {
    "sources": {"ar": "المصادر", "en": "Sources"},
    "source": {"ar": "المصدر", "en": "Source"},
    "read_more": {"ar": "اقرأ المزيد", "en": "Read more"},
    "read_in_telegram": {"ar": "اقرأ داخل تيليغرام", "en": "Read in Telegram"},
    "digest_header": {"ar": "ملخص أخبار التقنية — {date}", "en": "Tech news digest — {date}"},
    "no_new": {"ar": "لا جديد", "en": "No new stories"},
    "more_pending": {
        "ar": "قصص لم تُعرض بعد: {count} — شغّل الأمر مرة أخرى أو ارفع ‎--limit",
        "en": "stories not shown yet: {count} — run again or raise --limit",
    },
    "continued": {"ar": "(تابع)", "en": "(continued)"},
    "untitled": {"ar": "(بلا عنوان)", "en": "(untitled)"},
}

_MONTHS = {
    "ar": (
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "مايو",
        "يونيو",
        "يوليو",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def _lang(language: str) -> str:
    """Our label languages: Arabic for RTL languages, English for everything else."""
    return "ar" if language_direction(language) is Direction.RTL else "en"


def label(key: str, language: str) -> str:
    """The label `key` in `language` (KeyError for an unknown key)."""
    return _LABELS[key][_lang(language)]


def list_separator(language: str) -> str:
    """Separator between names in a list: the Arabic comma for Arabic."""
    return "، " if _lang(language) == "ar" else ", "


def covered_by(count: int, language: str) -> str:
    """How many outlets told a story: «تناقلتها 3 مصادر» / "Covered by 3 sources", the
    Arabic noun and verb agreeing with the number (1, 2, 3-10, 11 and more)."""
    if _lang(language) != "ar":
        return f"Covered by {count} source{'' if count == 1 else 's'}"
    if count == 1:
        return "نشرها مصدر واحد"
    if count == 2:
        return "تناقلها مصدران"
    if 3 <= count % 100 <= 10:
        return f"تناقلتها {count} مصادر"
    return f"تناقلها {count} مصدرًا"


def format_date(day: date, language: str) -> str:
    """A date as people write it: "1 ديسمبر 2026" / "1 December 2026"."""
    if isinstance(day, datetime):
        day = day.date()
    return f"{day.day} {_MONTHS[_lang(language)][day.month - 1]} {day.year}"


def digest_header(day: date, language: str) -> str:
    """The digest header line: "ملخص أخبار التقنية — 1 ديسمبر 2026"."""
    return label("digest_header", language).format(date=format_date(day, language))
