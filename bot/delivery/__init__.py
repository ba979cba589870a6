"""Delivery: who gets which story, when digests are due, and the outbox worker.

Flow (crash-safe by construction, see `DeliveryWorker`):

* instant chats: when the pipeline stores announceable articles it calls
  `DeliveryPlanner.enqueue_instant(articles)`, which writes (chat, article) rows to the
  outbox (`Storage.enqueue`, unique per pair) due now;
* scheduled chats: a minute job calls `DeliveryPlanner.enqueue_due_digests()`; for each
  chat from `due_digest_chats` it queues the matching stories not delivered before, then
  records `last_digest_at` (queue first, so a crash in between only repeats a no-op);
* the `DeliveryWorker` drains due outbox rows, sends them through the platform's
  `ChatSender` under the `RateLimiter`, in send turns handed to chats as their own pacing
  allows (`bot.pacing.SendSlots`), and marks each row sent right after the platform
  accepted the message that carries it.

A process killed at any point (SIGKILL) loses nothing: every row stays pending until
marked sent. What it can repeat is a message the platform accepted in the moment before
the row was marked (at most one per chat being served concurrently). The Telegram Bot
API cannot tell a bot whether its last message arrived, so there that window cannot
close; each message carries a ``dedupe_key`` from its rows (``outbox_message_key``), which
the Discord sender turns into a message nonce with ``enforce_nonce``, closing it there for
a resend within Discord's nonce window.

The decisions (`plan_recipients`, `matches`, `due_digest_chats`, `digest_window_start`,
`retry_delay`) are pure functions.

Modules (each imports only those listed before it, never this package):
`planning` (matching, recipients, digest timing, `DeliveryPlanner`), `outbox` (retry
policy, drain report, the worker's callables and log helpers), `rendering` (`Renderer`,
`PlatformRoute`, `pack_parcels`, the bundled renderers), `worker` (`DeliveryWorker`).
This package re-exports their names, and bot.pacing's limits, as before the split.
"""

from __future__ import annotations

from bot.delivery.outbox import (
    Claim,
    DrainReport,
    OnPause,
    Release,
    RetryPolicy,
    chat_label,
    resumed_by,
    retry_delay,
)
from bot.delivery.planning import (
    DELIVERY_PLATFORMS,
    DeliveryPlanner,
    DigestLimits,
    Matcher,
    StoryLoader,
    chat_zone,
    digest_title,
    digest_window_start,
    due_digest_chats,
    last_scheduled_time,
    matches,
    only_own_feeds,
    own_feed_item,
    parse_hhmm,
    plan_recipients,
    publication_order,
    select_digest_articles,
)
from bot.delivery.rendering import (
    TELEGRAM_CAPTION_LIMIT,
    Parcel,
    PlatformRoute,
    Renderer,
    discord_renderer,
    pack_parcels,
    telegram_renderer,
)
from bot.delivery.worker import (
    DeliveryWorker,
    ReadingPagesPort,
)
from bot.pacing import DISCORD_LIMITS, TELEGRAM_LIMITS, RateLimit, RateLimiter, RateLimits

__all__ = [
    "DELIVERY_PLATFORMS",
    "DISCORD_LIMITS",
    "TELEGRAM_CAPTION_LIMIT",
    "TELEGRAM_LIMITS",
    "Claim",
    "DeliveryPlanner",
    "DeliveryWorker",
    "DigestLimits",
    "DrainReport",
    "Matcher",
    "OnPause",
    "Parcel",
    "PlatformRoute",
    "RateLimit",
    "RateLimiter",
    "RateLimits",
    "ReadingPagesPort",
    "Release",
    "Renderer",
    "RetryPolicy",
    "StoryLoader",
    "chat_label",
    "chat_zone",
    "digest_title",
    "digest_window_start",
    "discord_renderer",
    "due_digest_chats",
    "last_scheduled_time",
    "matches",
    "only_own_feeds",
    "own_feed_item",
    "pack_parcels",
    "parse_hhmm",
    "plan_recipients",
    "publication_order",
    "resumed_by",
    "retry_delay",
    "select_digest_articles",
    "telegram_renderer",
]
