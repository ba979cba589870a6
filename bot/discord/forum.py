"""Discord forum channels: every message there must open a post (a thread) or go into one.

A channel subscribed with ``/news subscribe channel:#forum`` gets each story as a post of
its own, titled with the story's title, the bullets (embed) as the first message, and the
forum's tags whose names match the story's topics (the topic's slug, Arabic or English
name, compared on normalised Arabic and case-folded Latin). A digest is one post titled
with its header; the digest's further messages go into that post. Discord threads
(a post, or a thread of a text channel) are channels of their own and need nothing here.

Discord's rules used: a post's name is at most 100 characters; at most 5 tags; tags marked
"moderated" only people with Manage Threads may apply (the bot does not ask for it); a
forum with "require tags" refuses a post without one, so such a forum gets its first
unmoderated tag when no tag matches, rather than losing the story.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import discord

from bot.chat import OutgoingMessage
from digest.arabic import normalize

MAX_POST_NAME = 100  # characters of a thread name
MAX_APPLIED_TAGS = 5
FORUM_TYPES = frozenset({discord.ChannelType.forum})


def _folded(name: str) -> str:
    """A tag or topic name as compared: Arabic normalised (hamza, taa marbuta, tatweel,
    diacritics), Latin case-folded, '-', '_' and spaces alike."""
    return " ".join(normalize(name.replace("-", " ").replace("_", " ")).casefold().split())


@dataclass(frozen=True)
class TopicNames:
    """For each topic slug, the names a forum tag may carry to stand for it."""

    names: Mapping[str, frozenset[str]]

    @classmethod
    def of(cls, topics: Mapping[str, Iterable[str]]) -> TopicNames:
        """`topics`: slug -> its names (the slug itself always counts)."""
        return cls(
            {
                slug: frozenset(_folded(n) for n in (slug, *names) if n.strip())
                for slug, names in topics.items()
            }
        )

    def matches(self, slug: str, tag_name: str) -> bool:
        folded = _folded(tag_name)
        return folded in self.names.get(slug, frozenset({_folded(slug)}))


def pick_tags(
    topics: Sequence[str],
    tags: Sequence[discord.ForumTag],
    names: TopicNames,
    *,
    require_tag: bool = False,
) -> list[discord.ForumTag]:
    """The forum's tags for a post about `topics` (in the topics' order, each tag once, at
    most 5, never a moderated one). With `require_tag` and no match: the first tag the bot
    may apply, so that the post is not refused."""
    usable = [tag for tag in tags if not tag.moderated]
    chosen: list[discord.ForumTag] = []
    for slug in topics:
        for tag in usable:
            if tag not in chosen and names.matches(slug, tag.name):
                chosen.append(tag)
    if not chosen and require_tag and usable:
        chosen = usable[:1]
    return chosen[:MAX_APPLIED_TAGS]


def post_name(message: OutgoingMessage) -> str:
    """A post's title: the message's `post_title`, else its first embed's title, else its
    first line of text; cut to Discord's 100 characters; never empty."""
    candidates = [message.post_title or ""]
    candidates += [str(e.get("title") or "") for e in message.embeds[:1]]
    candidates.append(message.text.strip().split("\n", 1)[0] if message.text else "")
    name = next((c.strip() for c in candidates if c.strip()), "📰")
    return name if len(name) <= MAX_POST_NAME else name[: MAX_POST_NAME - 1] + "…"


def forum_post_permissions(permissions: discord.Permissions) -> list[str]:
    """What the bot lacks to post in a forum (empty when it can): a post needs Create
    Posts (Discord's Send Messages bit in a forum), the rest of a digest Send Messages in
    Posts, the stories Embed Links."""
    needed = {
        "View Channel": permissions.view_channel,
        "Create Posts": permissions.send_messages,
        "Send Messages in Posts": permissions.send_messages_in_threads,
        "Embed Links": permissions.embed_links,
    }
    return [name for name, ok in needed.items() if not ok]


def thread_post_permissions(permissions: discord.Permissions) -> list[str]:
    """What the bot lacks to post in a thread (a forum post or a text channel's thread)."""
    needed = {
        "View Channel": permissions.view_channel,
        "Send Messages in Threads": permissions.send_messages_in_threads,
        "Embed Links": permissions.embed_links,
    }
    return [name for name, ok in needed.items() if not ok]
