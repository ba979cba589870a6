"""Article identity: canonical URLs, title keys and the keys storage dedups on."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.identity import article_keys, canonical_url, title_key
from digest.models import Entry

ARABIC_PATH_ENCODED = "/culture/%D9%87%D8%B1%D9%85%D9%86%D8%A7"


@pytest.mark.parametrize(
    ("variant", "reference"),
    [
        ("http://example.com/news/1", "https://example.com/news/1"),
        ("HTTPS://EXAMPLE.COM/news/1", "https://example.com/news/1"),
        ("https://www.example.com/news/1", "https://example.com/news/1"),
        ("https://example.com:443/news/1", "https://example.com/news/1"),
        ("http://example.com:80/news/1", "https://example.com/news/1"),
        ("https://example.com/news/1/", "https://example.com/news/1"),
        ("https://example.com/news/1#comments", "https://example.com/news/1"),
        ("https://example.com/news/1?utm_source=rss&utm_medium=feed", "https://example.com/news/1"),
        ("https://example.com/news/1?fbclid=abc&gclid=x&ref=home", "https://example.com/news/1"),
        ("https://example.com/news?id=7&source=twitter", "https://example.com/news?id=7"),
        ("https://example.com/news?b=2&a=1", "https://example.com/news?a=1&b=2"),
        ("  https://example.com/news/1  ", "https://example.com/news/1"),
        ("https://nabd-sharqi.com/culture/هرمنا/", "https://nabd-sharqi.com" + ARABIC_PATH_ENCODED),
        (
            "http://nabd-sharqi.com/culture/%d9%87%d8%b1%d9%85%d9%86%d8%a7/",
            "https://nabd-sharqi.com" + ARABIC_PATH_ENCODED,
        ),
    ],
)
def test_variants_of_one_address_share_a_canonical_url(variant: str, reference: str) -> None:
    assert canonical_url(variant) == canonical_url(reference)


def test_raw_and_percent_encoded_arabic_give_the_ascii_form() -> None:
    raw = canonical_url("https://nabd-sharqi.com/culture/هرمنا")
    assert raw == "https://nabd-sharqi.com" + ARABIC_PATH_ENCODED
    assert raw.isascii()


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("https://example.com/news/1", "https://example.com/news/2"),
        ("https://example.com/news?id=1", "https://example.com/news?id=2"),
        ("https://example.com/a%2Fb", "https://example.com/a/b"),  # encoded slash is data
        ("https://example.com/news/1", "https://example.org/news/1"),
        ("https://example.com:8443/news/1", "https://example.com/news/1"),
        ("https://example.com/News/1", "https://example.com/news/1"),  # paths are case-sensitive
    ],
)
def test_different_addresses_stay_different(one: str, other: str) -> None:
    assert canonical_url(one) != canonical_url(other)


@pytest.mark.parametrize("value", ["/srv/feeds/local.xml", "tag:example.com,2004:1", "", "http://"])
def test_non_web_values_are_returned_stripped(value: str) -> None:
    assert canonical_url(f" {value} ") == value


def test_canonical_url_is_idempotent() -> None:
    for url in ["http://WWW.x.com/a/?utm_x=1&z=%D8%B9&a=b c#f", "https://x.com/caf%E9/"]:
        once = canonical_url(url)
        assert canonical_url(once) == once


_URL_PIECES = st.lists(
    st.sampled_from(
        [*"aZ09-._~%/?&=#:@+!$'()*,; ", "%D8", "%d9%87", "%2F", "%E9", "هـ", "ا", "%%", "%G1"]
    ),
    max_size=15,
).map("".join)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["http://", "HTTPS://www."]), _URL_PIECES, _URL_PIECES)
def test_canonical_url_is_idempotent_on_odd_urls(scheme: str, path: str, query: str) -> None:
    once = canonical_url(f"{scheme}news.example/{path}?{query}")
    assert canonical_url(once) == once
    assert once.startswith("https://news.example/")


def test_title_key_folds_arabic_spelling_and_punctuation() -> None:
    with_marks = "هَلْ أطلقت «DeepSeek» نموذجاً جديداً؟"
    plain = "هل اطلقت deepseek نموذجا جديدا"
    assert title_key(with_marks) == title_key(plain) == plain
    assert title_key("  مايكروسوفت ، تطلق ويندوز ١١ ؛  ") == "مايكروسوفت تطلق ويندوز 11"
    assert title_key("أبل تعلن") != title_key("أبل تنفي")


def _entry(**overrides: object) -> Entry:
    values: dict[str, object] = {
        "feed_url": "https://feeds.example/ar.xml",
        "title": "أبل تطلق تحديث iOS 9",
        "url": "http://site.example/news/1/?utm_source=rss",
        "guid": "post-1",
    }
    values.update(overrides)
    return Entry(**values)  # type: ignore[arg-type]


def test_article_keys_cover_url_guid_and_title() -> None:
    keys = article_keys(_entry())
    assert keys == [
        "url:https://site.example/news/1",
        "guid:https://feeds.example/ar.xml|post-1",
        "title:https://feeds.example/ar.xml|ابل تطلق تحديث ios 9",
    ]


def test_same_item_seen_again_shares_a_key() -> None:
    first = set(article_keys(_entry()))
    # Same story, https and no tracking, guid changed by a CMS migration.
    again = set(article_keys(_entry(url="https://site.example/news/1", guid="new-guid")))
    assert first & again
    # Same guid, link changed (re-posted under a new slug).
    moved = set(article_keys(_entry(url="https://site.example/news/1-updated")))
    assert first & moved
    # Same feed re-publishes the title with other diacritics and no link or guid.
    retitled = set(article_keys(_entry(url=None, guid=None, title="أبلُ تُطلق تحديث iOS 9!")))
    assert first & retitled


def test_other_items_share_no_key() -> None:
    first = set(article_keys(_entry()))
    other = set(article_keys(_entry(url="https://site.example/news/2", guid="post-2", title="خبر")))
    assert not first & other
    # Same title in ANOTHER feed is a different article (each source keeps its own).
    elsewhere = set(
        article_keys(_entry(feed_url="https://other.example/rss", url=None, guid="post-1"))
    )
    assert not first & elsewhere


def test_keys_omit_missing_parts_and_tiny_titles() -> None:
    assert article_keys(_entry(url=None, guid=None, title="Huh")) == []
    assert article_keys(_entry(url=" ", guid="", title="")) == []
    keys = article_keys(_entry(url=None, guid="g", title=""))
    assert keys == ["guid:https://feeds.example/ar.xml|g"]


def test_per_feed_keys_embed_the_feed_url_as_stored() -> None:
    # Storage.move_feed rewrites "guid:<old>|" / "title:<old>|" prefixes when a feed moves.
    keys = article_keys(_entry(feed_url="http://feeds.example/ar.xml", url=None))
    assert keys[0] == "guid:http://feeds.example/ar.xml|post-1"
    assert keys[1].startswith("title:http://feeds.example/ar.xml|")
