"""Pieces of command replies that come from outside our own texts: echoes of what a user
typed, timezone names, and the English reasons errors carry.

* `echo` cuts a user's argument to `ECHO_LIMIT` characters (with an ellipsis), removes
  bidi controls and line breaks from it and wraps it in a first-strong isolate, so a
  5,000-character link or an RLO in an argument can neither flood a reply nor reorder it.
* `timezone_label` shows the POSIX ``Etc/GMT-3`` zones (stored for "UTC+3") as ``UTC+3``.
* `reason_text` words an error reason (a FetchError's, a stored feed error, a pause
  reason) in the reply's language: the reason strings of digest/ and of the platforms are
  English and must not appear inside an Arabic reply. Classification is by fixed
  substrings (no regex over hostile text); a reason we do not recognise gets a generic
  translated text, never the English original.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from bot.i18n import count_phrase, message_keys, t
from digest.format.bidi import FSI, PDI, strip_bidi_controls

ECHO_LIMIT = 64  # the longest keyword we store, so a valid keyword is never cut
ELLIPSIS = "…"
ECHO_ITEMS = 5  # a list of rejected words shows this many, then "…"
ZWJ = "\u200d"


def echo(value: object, limit: int = ECHO_LIMIT) -> str:
    """`value` as it may appear inside a reply: bidi controls removed, whitespace runs
    (line breaks too) as one space, at most `limit` characters (a longer value is cut
    so that no mark or variation selector loses its base and no joiner dangles, and
    ends with "…"), wrapped in FSI…PDI so its own direction cannot reorder the sentence
    around it."""
    text = " ".join(strip_bidi_controls(str(value)).split())
    if len(text) > limit:
        cut = max(limit - 1, 1)
        # Never separate a base letter from its marks (harakat, variation selectors), or
        # leave a dangling joiner.
        while cut > 1 and (_extends(text[cut]) or text[cut - 1] == ZWJ):
            cut -= 1
        text = text[:cut].rstrip() + ELLIPSIS
    return f"{FSI}{text}{PDI}"


def join_items(items: Sequence[str], lang: str) -> str:
    """Items of a reply joined with the language's list separator."""
    return t("list_separator", lang).join(items)


def echo_list(items: Sequence[str], lang: str) -> str:
    """What the user typed, listed back: each item cut (`echo`), at most ECHO_ITEMS of
    them, then "…"."""
    shown = [echo(item) for item in items[:ECHO_ITEMS]]
    if len(items) > ECHO_ITEMS:
        shown.append("…")
    return join_items(shown, lang)


def _extends(char: str) -> bool:
    """True for a character that belongs to the one before it: a combining mark
    (Mn, Mc, Me) or a variation selector."""
    return unicodedata.category(char).startswith("M") or "\ufe00" <= char <= "\ufe0f"


def timezone_label(zone: str) -> str:
    """How a stored timezone is shown: 'Etc/GMT-3' (POSIX signs are inverted) as
    'UTC+3', 'Etc/UTC' as 'UTC'; IANA names as they are."""
    if zone in {"Etc/UTC", "Etc/GMT", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "UTC"}:
        return "UTC"
    if zone.startswith("Etc/GMT") and len(zone) > len("Etc/GMT") + 1:
        sign, hours = zone[len("Etc/GMT")], zone[len("Etc/GMT") + 1 :]
        if sign in "+-" and hours.isdigit():
            return f"UTC{'+' if sign == '-' else '-'}{int(hours)}"
    return zone


# (substring of the lower-cased reason, i18n key); the first match wins, so more
# specific markers come first. The reasons are those raised in digest/fetch.py,
# digest/netguard.py, digest/parse.py, digest/pipeline.py and the delivery errors.
_REASON_MARKERS: tuple[tuple[str, str], ...] = (
    ("cannot resolve", "reason_unresolvable"),
    ("private or local address", "reason_blocked"),
    ("only http(s) addresses", "reason_invalid_url"),
    ("malformed address", "reason_invalid_url"),
    ("has no host", "reason_invalid_url"),
    ("invalid url", "reason_invalid_url"),
    ("unsupported scheme", "reason_invalid_url"),
    ("local files can only", "reason_blocked"),
    ("timed out", "reason_timeout"),
    ("too many redirects", "reason_redirects"),
    ("redirect loop", "reason_redirects"),
    ("redirect without location", "reason_redirects"),
    ("too large", "reason_too_large"),
    ("size cap", "reason_too_large"),
    ("rate limited", "reason_rate_limited"),
    ("http 429", "reason_rate_limited"),
    ("not found (http 404)", "reason_not_found"),
    ("no such file", "reason_not_found"),
    ("is gone (http 410)", "reason_gone"),
    ("http 404", "reason_not_found"),
    ("http 410", "reason_gone"),
    ("server error", "reason_server_error"),
    ("connection failed", "reason_connection"),
    ("cannot read", "reason_connection"),
    ("undecodable", "reason_bad_response"),
    ("corrupt", "reason_bad_response"),
    ("content-encoding", "reason_bad_response"),
    ("not a feed", "reason_not_a_feed"),
    ("unreadable feed", "reason_not_a_feed"),
    ("empty document", "reason_not_a_feed"),
    ("json feed", "reason_not_a_feed"),
    ("none with a title", "reason_not_a_feed"),
    ("no article text", "reason_no_text"),
    ("article pages is not configured", "reason_not_configured"),
    # delivery: Telegram and Discord wordings of a refusal
    ("message thread not found", "reason_topic_gone"),
    ("topic_deleted", "reason_topic_gone"),
    ("topic_closed", "reason_topic_closed"),
    ("blocked by the user", "reason_blocked_by_user"),
    ("bot was blocked", "reason_blocked_by_user"),
    ("user is deactivated", "reason_blocked_by_user"),
    ("blocked by user", "reason_blocked_by_user"),
    ("kicked", "reason_removed"),
    ("removed from the chat", "reason_removed"),
    ("not a member", "reason_removed"),
    ("chat not found", "reason_chat_gone"),
    ("unknown channel", "reason_chat_gone"),
    ("unknown webhook", "reason_webhook_gone"),
    ("rights", "reason_no_rights"),
    ("missing access", "reason_no_rights"),
    ("missing permissions", "reason_no_rights"),
    ("forbidden", "reason_no_rights"),
)


def _http_status(reason: str) -> int | None:
    """The status of 'HTTP 503' in a reason (first occurrence), if any."""
    index = reason.find("HTTP ")
    digits = reason[index + 5 : index + 8] if index >= 0 else ""
    return int(digits) if len(digits) == 3 and digits.isdigit() else None


def reason_text(reason: str | None, lang: str) -> str:
    """An English error reason worded in `lang` (see the module docstring)."""
    if not reason:
        return t("reason_unknown", lang)
    # A pause reason may carry our own "telegram: " prefix; a disabled feed's says how
    # many failures led to it before the last reason.
    head, sep, last = reason.partition(" failures in a row, last: ")
    if sep and head.strip().isdigit():
        return t(
            "reason_failures_in_row",
            lang,
            failures=count_phrase(int(head), "failures", lang),
            last=reason_text(last, lang),
        )
    if reason.startswith("gone: "):
        return reason_text(reason[len("gone: ") :], lang)
    lowered = reason.casefold()
    for marker, key in _REASON_MARKERS:
        if marker in lowered:
            return _worded(key, reason, lang)
    status = _http_status(reason)
    if status is not None:
        return t("reason_http_status", lang, status=status)
    return t("reason_unknown", lang)


def _worded(key: str, reason: str, lang: str) -> str:
    if key == "reason_unresolvable":
        host = reason.split("cannot resolve ", 1)[-1].split(" ", 1)[0]
        return t(key, lang, host=echo(host))
    if key == "reason_server_error":
        status = _http_status(reason)
        return t(key, lang, status=status if status is not None else "5xx")
    return t(key, lang)


def refusal_reason(denied: PermissionError, target: str, lang: str) -> str:
    """Why a managed target was refused, in `lang`: the adapter's own wording when its
    exception has `reason_in(lang)`, else the text of its `code` in bot.i18n
    (refused_<code>), else a generic text; never the exception's English message."""
    reason_in = getattr(denied, "reason_in", None)
    if callable(reason_in):
        return str(reason_in(lang))
    code = getattr(denied, "code", None)
    key = f"refused_{code}" if isinstance(code, str) else ""
    return t(key if key in message_keys() else "refused_other", lang, target=echo(target))
