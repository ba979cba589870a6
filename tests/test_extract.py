"""extract_article on real Arabic pages with gold answers, and its fallbacks."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from digest.arabic import tokenize
from digest.extract import ExtractedArticle, extract_article

ARTICLES = Path(__file__).resolve().parent / "fixtures" / "articles"


def _overlap(got: str, gold: str) -> tuple[float, float]:
    """Token precision and recall of `got` against `gold` (bag of normalised words)."""
    got_tokens, gold_tokens = Counter(tokenize(got)), Counter(tokenize(gold))
    common = sum((got_tokens & gold_tokens).values())
    return common / max(1, sum(got_tokens.values())), common / max(1, sum(gold_tokens.values()))


def test_cnn_arabic_body_matches_the_gold_text() -> None:
    folder = ARTICLES / "cnn_arabic_2013"
    article = extract_article(
        (folder / "arabic_article.html").read_bytes(),
        url="http://arabic.cnn.com/2013/middle_east/8/2/syria.clashes/index.html",
    )
    gold = (folder / "arabic_article.expected.txt").read_text(encoding="utf-8")
    precision, recall = _overlap(article.text, gold)
    assert recall >= 0.95, recall
    assert precision >= 0.75, precision  # measured 0.84: a caption line is extra
    assert article.title == "معارضون يسيطرون على مخازن للصواريخ بريف دمشق"
    assert article.language == "ar"
    assert article.method == "trafilatura"
    assert "\n" in article.text and "\n\n" not in article.text


def test_assabah_keeps_the_interview_and_drops_widgets_and_comment_form() -> None:
    folder = ARTICLES / "assabah_tn"
    (gold,) = json.loads(
        (folder / "expected_snippets__from_trafilatura_evaldata.json").read_text(encoding="utf-8")
    ).values()
    article = extract_article((folder / gold["file"]).read_bytes(), url=None)
    for snippet in gold["with"]:
        assert snippet in article.text, snippet
    for snippet in gold["without"]:
        assert snippet not in article.text, snippet
    assert article.title is not None and article.title.startswith("الناشط الحقوقي السوداني")


def _markdown_body(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("---", 2)[2]


def test_nabd_sharqi_tech_news_page_matches_its_markdown_source() -> None:
    folder = ARTICLES / "nabd_sharqi_it"
    article = extract_article(
        (folder / "apple.html").read_bytes(), url="http://nabd-sharqi.com/it/apple/"
    )
    precision, recall = _overlap(article.text, _markdown_body(folder / "2015-09-18-apple.md"))
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)
    assert article.title == "مستخدمو Apple يواجهون مشاكل في تحديث iOS"
    assert article.published is not None and article.published.date() == date(2015, 9, 18)
    assert article.description is not None and article.description.startswith("نشر موقع شركة")
    # Latin names inside Arabic survive untouched.
    assert "iOS 9" in article.text and "watchOS 2" in article.text


def _apple_html() -> str:
    return (ARTICLES / "nabd_sharqi_it" / "apple.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("meta", "content_type"),
    [
        ('<meta charset="windows-1256" />', None),
        ("", None),  # no charset anywhere
        ('<meta charset="iso-8859-1" />', None),  # wrong
        ('<meta charset="utf-8" />', None),  # wrong
        ("", "text/html; charset=windows-1256"),
    ],
    ids=["declared", "undeclared", "declared-latin1", "declared-utf8", "http-charset"],
)
def test_windows_1256_page_is_decoded(meta: str, content_type: str | None) -> None:
    html = _apple_html()
    reference = extract_article(html, url="http://nabd-sharqi.com/it/apple/")
    legacy = html.replace('<meta charset="utf-8" />', meta).encode(
        "cp1256", errors="xmlcharrefreplace"
    )
    article = extract_article(
        legacy, url="http://nabd-sharqi.com/it/apple/", content_type=content_type
    )
    assert article.text == reference.text
    assert article.title == reference.title


def test_publication_dates_match_the_htmldate_gold() -> None:
    folder = ARTICLES / "htmldate_2020"
    gold = json.loads((folder / "gold_dates__from_eval_mediacloud_2020.json").read_text("utf-8"))
    by_upstream_name = {entry["file"]: entry["date"] for entry in gold.values()}
    checked = 0
    for page in sorted(folder.glob("*.html")):
        upstream = page.name.split("__", 1)[1]
        article = extract_article(page.read_bytes(), url=None)
        assert article.published is not None, page.name
        # Gold dates are local publication days; ours are UTC, so allow the day before.
        delta = date.fromisoformat(by_upstream_name[upstream]) - article.published.date()
        assert delta.days in (0, 1), (page.name, article.published)
        assert len(article.text) > 300
        checked += 1
    assert checked == 3


def test_section_index_page_is_a_listing_not_an_article() -> None:
    page = ARTICLES / "nabd_sharqi_it" / "IT_section_index.html"
    article = extract_article(page.read_bytes(), url="http://nabd-sharqi.com/IT/")
    assert article.is_listing
    assert (article.text, article.method) == ("", "listing")


@pytest.mark.parametrize(
    "page",
    sorted(p for p in ARTICLES.rglob("*.html") if p.name != "IT_section_index.html"),
    ids=lambda p: p.name,
)
def test_article_pages_are_not_listings(page: Path) -> None:
    article = extract_article(page.read_bytes(), url=None)
    assert not article.is_listing


def test_meta_refresh_stub_with_wrong_charset_has_no_text_but_a_target() -> None:
    page = ARTICLES / "pages" / "tech-wd.com__root_2018__meta_refresh_koi8r.html"
    article = extract_article(page.read_bytes(), url="http://www.tech-wd.com/")
    assert article.text == ""
    assert article.method == "none"
    assert article.redirect_url == "http://www.tech-wd.com/wd"


# --- fallbacks ------------------------------------------------------------------------


def test_falls_back_to_og_description() -> None:
    html = (
        '<html><head><meta property="og:title" content="إطلاق هاتف جديد">'
        '<meta property="og:description" content="أعلنت الشركة عن هاتف جديد بكاميرا أفضل.">'
        "</head><body><div><img src=x></div></body></html>"
    )
    article = extract_article(html, url="https://news.example/a")
    assert article.method == "description"
    assert article.text == "أعلنت الشركة عن هاتف جديد بكاميرا أفضل."
    assert article.title == "إطلاق هاتف جديد"


def test_a_short_body_gives_way_to_a_longer_description() -> None:
    html = (
        '<html><head><meta name="description" content="تحديث جديد لنظام iOS يصلح أخطاء'
        ' الشبكة ويحسن عمر البطارية في أجهزة آيفون القديمة."></head>'
        "<body><nav><a href=/>الرئيسية</a> <a href=/it>تقنية</a> <a href=/s>رياضة</a></nav>"
        "<article><p>تحديث iOS.</p></article></body></html>"
    )
    article = extract_article(html, url=None)
    assert article.method == "description"
    assert article.text.startswith("تحديث جديد لنظام iOS")
    assert "الرئيسية" not in article.text


def test_falls_back_to_page_text() -> None:
    html = "<html><body><span>خبر قصير عن الذكاء الاصطناعي</span></body></html>"
    article = extract_article(html, url=None)
    assert article.text == "خبر قصير عن الذكاء الاصطناعي"
    assert article.language == "ar"


def test_tag_soup_beyond_the_element_limit_uses_the_cheap_fallback() -> None:
    soup = b"<div>" + b"<span></span>" * 30_000 + "<p>نص عربي طويل بما يكفي هنا</p>".encode()
    article = extract_article(soup, url=None)
    assert article.method == "page-text"
    assert article.text == "نص عربي طويل بما يكفي هنا"


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\xff\xfe garbage", "<html><body></body></html>", b"<<<>>>", "<?xml?><rss/>"],
)
def test_pages_without_readable_text_give_empty_text_not_errors(content: bytes | str) -> None:
    article = extract_article(content, url=None)
    assert isinstance(article, ExtractedArticle)
    assert (article.text, article.method, article.published) == ("", "none", None)
