"""Telegram HTML: strict escaping, UTF-16 limits, splitting without loss."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from digest.format.bidi import RLM
from digest.format.telegram import (
    TELEGRAM_LIMIT,
    entity_count,
    escape_attr,
    escape_html,
    render_telegram,
)
from tests.format_checks import (
    assert_subsequence,
    check_isolates,
    make_story,
    parse_telegram,
    utf16_units,
    visible_text,
)


def test_titles_bullets_and_urls_are_escaped() -> None:
    story = make_story(
        1,
        title='<script>alert("x")</script> & DeepSeek',
        bullets=["a < b > c & d", 'قال "مرحبا" & <b>غامق</b>'],
        url='https://example.com/a?x=1&y="2"<3>',
    )
    [message] = render_telegram([story], header=None, language="ar")
    checker = parse_telegram(message)
    text = "".join(checker.text)
    assert '<script>alert("x")</script> & DeepSeek' in text.replace("\u2066", "").replace(
        "\u2069", ""
    )
    assert "a < b > c & d" in text
    # Quotes and brackets in a URL are percent-encoded, & is an entity in the attribute.
    assert checker.links[0] == "https://example.com/a?x=1&y=%222%22%3C3%3E"
    assert 'href="https://example.com/a?x=1&amp;y=%222%22%3C3%3E"' in message
    assert "<script>" not in message


def test_escape_helpers_use_only_the_four_entities() -> None:
    assert escape_html("<a & b>\"'") == "&lt;a &amp; b&gt;\"'"
    assert escape_attr('"&<>') == "&quot;&amp;&lt;&gt;"


def test_non_http_urls_are_not_linked() -> None:
    story = make_story(1, url="javascript:alert(1)")
    [message] = render_telegram([story], header=None, language="ar")
    assert parse_telegram(message).links == ["https://aitnews.example/"]  # the source only


def test_story_layout_bold_linked_title_bullets_and_sources() -> None:
    story = make_story(7, other_sources=[("TechCrunch", "https://tc.example/x")])
    [message] = render_telegram([story], header="ملخص أخبار التقنية", language="ar")
    lines = message.split("\n")
    assert lines[0] == "<b>ملخص أخبار التقنية</b>"
    assert lines[2] == f'<b><a href="{story.url}">{story.title}</a></b>'
    bullets = [line for line in lines if "•" in line]
    assert len(bullets) == 3
    assert all(line.startswith(RLM + "• ") for line in bullets)
    assert lines[-1].startswith("المصادر: ")
    assert "، " in lines[-1] and "TechCrunch" in lines[-1]
    for line in lines:
        check_isolates(line)


def test_single_source_is_labelled_in_singular() -> None:
    [message] = render_telegram([make_story(1)], header=None, language="ar")
    assert message.split("\n")[-1].startswith("المصدر: ")
    [english] = render_telegram([make_story(1, language="en")], header=None, language="en")
    assert english.split("\n")[-1].startswith("Source: ")


def test_no_stories() -> None:
    assert render_telegram([], header=None, language="ar") == []
    [message] = render_telegram([], header="ملخص", language="ar")
    assert "لا جديد" in message
    [english] = render_telegram([], header="Digest", language="en")
    assert "No new stories" in english


def test_limit_counts_utf16_units_of_astral_characters() -> None:
    # 30 bullets of 100 emoji: 3000 code points but 6000 UTF-16 units.
    story = make_story(1, bullets=["😀" * 100] * 30)
    assert len("".join(story.bullets)) < TELEGRAM_LIMIT
    messages = render_telegram([story], header=None, language="ar")
    assert len(messages) >= 2
    for message in messages:
        assert utf16_units(message) <= TELEGRAM_LIMIT
        parse_telegram(message)
    assert "".join(visible_text(m) for m in messages).count("😀") == 3000


def test_two_hundred_stories_lose_none_and_respect_the_limit() -> None:
    stories = [make_story(n) for n in range(200)]
    messages = render_telegram(stories, header="ملخص أخبار التقنية", language="ar")
    assert len(messages) > 1
    for message in messages:
        assert utf16_units(message) <= TELEGRAM_LIMIT
        parse_telegram(message)
    texts = [visible_text(m) for m in messages]
    titles = [t for text in texts for t in text.split("\n") if "ديب سيك تطلق" in t]
    assert [int(t.rsplit(" ", 1)[1]) for t in titles] == list(range(200))
    # Messages end at story boundaries: every message starts with a title or the header.
    for text in texts[1:]:
        assert "ديب سيك تطلق" in text.split("\n")[0]


def test_a_story_longer_than_a_message_is_cut_between_bullets() -> None:
    bullets = [f"النقطة رقم {n}: " + "كلمة " * 60 + "DeepSeek & <GPT-4o>" for n in range(40)]
    story = make_story(1, bullets=bullets)
    messages = render_telegram([make_story(0), story, make_story(2)], header=None, language="ar")
    assert len(messages) >= 3
    for message in messages:
        assert utf16_units(message) <= TELEGRAM_LIMIT
        parse_telegram(message)
    texts = [visible_text(m) for m in messages]
    # The long story starts a message; its continuations repeat the title and say so.
    first_lines = [t.split("\n")[0] for t in texts]
    assert first_lines == [make_story(0).title, story.title] + [story.title + " (تابع)"] * (
        len(messages) - 2
    )
    assert make_story(2).title in texts[-1]
    # Every bullet whole, in order: it was never cut, only moved to the next message.
    lines = [line for t in texts for line in t.split("\n")]
    bullet_lines = [line.replace(RLM, "") for line in lines if "النقطة رقم" in line]
    assert [line.split(":")[0] for line in bullet_lines] == [f"• النقطة رقم {n}" for n in range(40)]
    assert_subsequence([s.title for s in (make_story(0),)] + bullets, "\n".join(texts))


def test_a_bullet_longer_than_a_message_is_cut_at_spaces() -> None:
    words = [f"w{n}&<" for n in range(2500)]
    story = make_story(1, bullets=[" ".join(words)])
    messages = render_telegram([story], header=None, language="ar")
    assert len(messages) >= 3
    for message in messages:
        assert utf16_units(message) <= TELEGRAM_LIMIT
        parse_telegram(message)
    text = " ".join(visible_text(m) for m in messages)
    found = [w for w in text.replace("\n", " ").split(" ") if w.startswith("w") and "&" in w]
    assert [w.strip("\u2066\u2069") for w in found] == words


def test_word_longer_than_a_message_is_cut_between_characters() -> None:
    story = make_story(1, bullets=["&" * 5000])
    messages = render_telegram([story], header=None, language="ar")
    for message in messages:
        assert utf16_units(message) <= TELEGRAM_LIMIT
        parse_telegram(message)
    assert "".join(visible_text(m) for m in messages).count("&") == 5000


def test_huge_title_is_shortened_with_ellipsis() -> None:
    story = make_story(1, title="عنوان " * 2000)
    [message] = render_telegram([story], header=None, language="ar")
    title_line = visible_text(message).split("\n")[0]
    assert title_line.endswith("…") and utf16_units(title_line) < TELEGRAM_LIMIT // 2


def test_custom_limit() -> None:
    messages = render_telegram(
        [make_story(n) for n in range(20)], header=None, language="ar", limit=1024
    )
    assert len(messages) > 2
    assert all(utf16_units(m) <= 1024 for m in messages)
    with pytest.raises(ValueError):
        render_telegram([], header=None, language="ar", limit=100)


def test_messages_keep_under_telegram_entity_limit() -> None:
    sources = [(f"م{n}", f"https://a.b/{n}") for n in range(12)]
    stories = [
        make_story(n, f"خبر {n}", ["قصير"], url="https://e.x/{n}", other_sources=sources)
        for n in range(40)
    ]
    story_entities = 2 + 10  # bold + link title, ten linked sources
    messages = render_telegram(stories, header=None, language="ar")
    for message in messages:
        assert entity_count(message) <= 100
        assert parse_telegram(message).start_tags == entity_count(message)  # no auto ones
    # Entities, not length, forced these cuts: one more story would have fitted by length.
    one_story = utf16_units(render_telegram(stories[:1], header=None, language="ar")[0])
    for message in messages[:-1]:
        assert entity_count(message) + story_entities > 100
        assert utf16_units(message) + 2 + one_story <= TELEGRAM_LIMIT
    # Only the first ten sources of a story are linked.
    links = parse_telegram(messages[0]).links
    assert len(links) % (1 + 10) == 0 and "https://a.b/9" not in links


@pytest.mark.parametrize("cluster", ["👩\u200d💻", "بَّ", "\U0001f1f8\U0001f1e6", "e\u0301"])
def test_hard_cuts_never_split_a_character_cluster(cluster: str) -> None:
    story = make_story(1, bullets=[cluster * 3000])
    messages = render_telegram([story], header=None, language="ar")
    assert len(messages) >= 2
    texts = [visible_text(m) for m in messages]
    assert sum(t.count(cluster) for t in texts) == 3000
    # Every piece holds whole clusters only.
    for text in texts:
        for line in text.split("\n"):
            body = line.replace(RLM, "").replace("• ", "").strip("\u2066\u2069")
            if body and set(body) <= set(cluster):
                assert body.replace(cluster, "") == "", body[:20]


def test_arabic_urls_are_linked_as_ascii() -> None:
    story = make_story(1, url="https://مثال.إختبار/أخبار/ديب-سيك?ق=1")
    [message] = render_telegram([story], header=None, language="ar")
    link = parse_telegram(message).links[0]
    assert link.isascii() and link.startswith("https://xn--")
    assert "%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1" in link  # أخبار, UTF-8 percent-encoded


def test_entities_telegram_finds_itself_count_too() -> None:
    assert entity_count("<b>x</b> #AI and @user, /start and https://e.x, a@b.co") == 6
    assert entity_count('<a href="https://e.x/#frag">C# 5/6 50$</a>') == 1
    bullets = [" ".join(f"#وسم{n}" for n in range(30))] * 3
    stories = [make_story(n, bullets=bullets) for n in range(5)]
    messages = render_telegram(stories, header=None, language="ar")
    assert len(messages) >= 5  # 90+ hashtags per story: one story per message
    assert all(entity_count(m) <= 100 for m in messages)


def test_times_are_shown_in_the_chat_zone() -> None:
    story = make_story(7)
    assert story.published is not None
    [utc_message] = render_telegram([story], header=None, language="ar")
    [cairo_message] = render_telegram(
        [story], header=None, language="ar", zone=ZoneInfo("Africa/Cairo")
    )
    assert story.published.strftime("%Y-%m-%d %H:%M UTC") in utc_message
    local = story.published.astimezone(ZoneInfo("Africa/Cairo"))
    assert local.strftime("%Y-%m-%d %H:%M %Z") in cairo_message
    assert "UTC" not in cairo_message
