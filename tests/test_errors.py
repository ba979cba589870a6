"""The error family: messages say what happened without leaking credentials."""

from __future__ import annotations

from digest.errors import ChatMigrated, FetchError, RetryAfter, without_credentials


def test_feed_errors_hide_credentials_in_urls() -> None:
    error = FetchError("https://bob:s3cret@feeds.example/rss?x=1", "timed out", status=None)
    assert "s3cret" not in str(error) and "bob" not in str(error)
    assert str(error) == "https://***@feeds.example/rss?x=1: timed out"
    assert error.url.startswith("https://bob:")  # the caller still has the real address
    assert without_credentials("/srv/feeds/a.xml") == "/srv/feeds/a.xml"
    assert without_credentials("https://a.example/x@y") == "https://a.example/x@y"


def test_delivery_errors_carry_what_to_do_next() -> None:
    assert RetryAfter("1", 2.5).seconds == 2.5
    migrated = ChatMigrated("-1", "-100")
    assert migrated.new_chat_id == "-100" and "migrated" in str(migrated)
