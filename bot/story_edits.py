"""Adding a source to a story already posted: edits of sent messages (issue #14).

A story is posted once. When a further outlet reports it (the pipeline joins the report
to the story's cluster and does not announce it), each chat that got the story's post
gets an *edit row* in the outbox: `(chat, the new report, action=EDIT)`. The outbox's
unique (chat, article) key makes an edit as once-only as a post; an edit row is paced,
retried and given up like a post, and settled on its own: a failed edit never touches
the post or any other row. The delivery worker hands a chat's edit rows here after its
posts (`bot.delivery.edits.SourceEdits.deliver`).

An edit re-renders the post's story as built now (digest.stories.StoryBuilder: every
source named, the bullets of the most complete report, as a digest shows it; usually
the post's own text with a longer sources line) and replaces the message's text
(Telegram `editMessageText`, or `editMessageCaption` for a photo post; Discord: a
message edit, through the webhook that posted it or as the bot). Only a post that went
out alone in one message is edited (`SentMessage.alone`): a digest or a packed backlog
holds several stories, and a story split over several messages has its sources in the
last one only; those posts keep their text. Nor is a post older than `EditLimits.window`
(48 h, the clusterer's own window: nobody reads a two-day-old post again) or one whose
new text would no longer fit one message (4,096 UTF-16 units; a photo caption 1,024).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from digest.models import (
    Article,
    ChatRef,
    Delivery,
    DeliveryAction,
    DeliveryState,
    Platform,
    SentMessage,
)
from digest.ports import Storage
from digest.stories import feed_lookup, source_name


@dataclass(frozen=True)
class EditLimits:
    window: timedelta = timedelta(hours=48)  # posts older than this are not edited


# --- pure decisions -------------------------------------------------------------------


def edit_chats(
    article_id: int,
    posts: Iterable[tuple[Delivery, SentMessage | None]],
    now: datetime,
    window: timedelta,
) -> list[ChatRef]:
    """The chats whose post of a story should gain the source of report `article_id`:
    those with a post of another report of the story that is pending (it may still go
    out before it could name the source; the edit then waits for it, see
    `edit_decision`) or was sent alone in one message less than `window` ago. Failed
    posts, posts in digests or split messages, and old posts are left alone."""
    chats: list[ChatRef] = []
    for delivery, sent in posts:
        if delivery.article_id == article_id or delivery.chat in chats:
            continue
        if delivery.state is DeliveryState.FAILED:
            continue
        if delivery.state is DeliveryState.SENT and not _editable(sent, now, window):
            continue
        chats.append(delivery.chat)
    return chats


def _editable(sent: SentMessage | None, now: datetime, window: timedelta) -> bool:
    return sent is not None and sent.alone and now - sent.sent_at <= window


@dataclass(frozen=True)
class EditDecision:
    kind: str  # edit | wait | drop
    reason: str = ""
    post: Delivery | None = None
    sent: SentMessage | None = None


def edit_decision(
    posts: Sequence[tuple[Delivery, SentMessage | None]], now: datetime, window: timedelta
) -> EditDecision:
    """What to do with an edit row, given the chat's posts of the story: edit the first
    editable sent post; wait while a post is still pending (sent later, it is edited
    then; until then its text may lack the source); else drop the edit, with why."""
    for delivery, sent in posts:
        if delivery.state is DeliveryState.SENT and _editable(sent, now, window):
            return EditDecision("edit", post=delivery, sent=sent)
    if any(d.state is DeliveryState.PENDING for d, _ in posts):
        return EditDecision("wait", "the story's post is not sent yet")
    if not posts:
        return EditDecision("drop", "no post of the story in this chat")
    if any(d.state is DeliveryState.SENT for d, _ in posts):
        return EditDecision(
            "drop", "the story's post is in a digest, several messages or older than the window"
        )
    return EditDecision("drop", "the story's post was not sent")


# --- planning -------------------------------------------------------------------------


def plan_source_edits(
    storage: Storage,
    articles: Iterable[Article],
    now: datetime,
    *,
    platforms: Collection[Platform],
    limits: EditLimits | None = None,
) -> int:
    """Queue the edit rows for newly stored reports that joined a story posted before;
    returns how many were new. A report from a feed only chats added is never named to
    other chats, and one from an outlet the story names already adds nothing."""
    limits = limits or EditLimits()
    private = storage.private_feed_urls()
    added = 0
    feed = feed_lookup(storage)

    def name(feed_url: str) -> str:
        return source_name(feed(feed_url), feed_url)

    for article in articles:
        if article.cluster_id in (None, article.id) or article.feed_url in private:
            continue
        cluster = [a for a in storage.get_cluster(article.cluster_id or 0) if a.id != article.id]
        if not cluster or name(article.feed_url) in {name(a.feed_url) for a in cluster}:
            continue
        posts = storage.story_posts([a.id for a in cluster])
        for chat in edit_chats(article.id, posts, now, limits.window):
            if chat.platform in platforms:
                added += storage.enqueue(chat, [article.id], due_at=now, action=DeliveryAction.EDIT)
    return added
