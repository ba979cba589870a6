"""Reading commands, for everyone: /digest (send now), /latest, /top and /summary
(one URL summarised, with a per-user cooldown)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from bot.chat import Invocation, PlatformGate, Reply
from bot.command_args import (
    BadArgument,
    parse_count,
    parse_url,
)
from bot.commands.base import CommandBase
from bot.delivery import (
    digest_title,
    matches,
)
from bot.i18n import (
    count_phrase,
    t,
)
from bot.reply_text import reason_text
from bot.top_stories import rank_for_chat, top_stories
from digest.errors import (
    BlockedAddressError,
    FeedNotFoundError,
    FetchError,
    NewsdigestError,
    ParseError,
)
from digest.exclusions import exclusion_rule
from digest.models import (
    Article,
    ChatSettings,
)


def latest_by_story(articles: Sequence[Article], count: int) -> list[Article]:
    """At most `count` stories for /latest from `articles` (newest first), one article
    per story as /digest posts them: an article whose story (cluster) is already shown
    is left out (the story lists it among its other sources), and so is one without
    bullets (remembered on a feed's first fetch, never summarised) so that no story is
    shown empty; an older summarised article of its story may still stand for it."""
    chosen: list[Article] = []
    shown: set[int] = set()
    for article in articles:
        story = article.cluster_id if article.cluster_id is not None else article.id
        if story in shown or not article.bullets:
            continue
        shown.add(story)
        chosen.append(article)
        if len(chosen) >= count:
            break
    return chosen


class ReadingCommands(CommandBase):
    """/digest, /latest, /top and /summary."""

    async def _cmd_digest(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        """Send now: the matching stories this chat has not received, since its last
        digest. They are recorded in the outbox as delivered to this chat at once, so the
        scheduled digest and instant posts never repeat them."""
        if inv.args:
            raise BadArgument("usage")
        now = self._clock.now()
        articles = self._planner.digest_articles(settings, now)
        if articles:
            self._storage.enqueue(inv.chat, [a.id for a in articles], due_at=now)
            wanted = {a.id for a in articles}
            rows = self._storage.pending_deliveries(
                now=now, limit=len(wanted) + 1000, chat=inv.chat
            )
            rows = [r for r in rows if r.article_id in wanted]
            in_outbox = {r.article_id for r in rows}
            articles = [a for a in articles if a.id in in_outbox]
            self._storage.mark_sent([r.id for r in rows], at=now)
        if not self._is_pristine(settings):
            current = self._storage.get_chat(inv.chat)
            self._storage.save_chat(replace(current, last_digest_at=now))
        if not articles:
            return self._text(t("digest_nothing", lang, p=p), lang)
        stories = tuple(rank_for_chat(self._stories.stories(articles), articles, settings, now))
        return Reply(
            stories=stories,
            header=digest_title(len(stories), lang, settings, now),
            language=lang,
            timezone=settings.timezone,
        )

    async def _cmd_latest(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        count = parse_count(
            inv.args, default=self._limits.latest_default, maximum=self._limits.latest_max
        )
        # Announceable articles only, as /digest: a feed's first-fetch backlog (never
        # summarised) cannot crowd the stories out, and a story that joined an older
        # one is shown with it (as its other source), not on its own.
        recent = self._storage.get_articles(announce=True, limit=max(200, count * 20))
        # Feeds only some chats added are theirs alone (bot.own_feeds).
        private = self._storage.private_feed_urls()
        recent = [
            a
            for a in recent
            if a.is_tech and a.feed_url not in private and exclusion_rule(settings, a) is None
        ]
        following = bool(settings.topics or settings.keywords)
        wanted = [a for a in recent if matches(settings, a)] if following else []
        chosen = latest_by_story(wanted, count)
        header_key = "latest_header_matching"
        if not chosen:
            # Nothing matches yet: the latest of everything is more useful than silence.
            chosen, header_key = latest_by_story(recent, count), "latest_header"
        if not chosen:
            return self._text(t("latest_nothing", lang), lang)
        # The latest stories, most important first (outlets, recency, interests).
        built = self._stories.stories(chosen)
        stories = tuple(rank_for_chat(built, chosen, settings, self._clock.now()))
        return Reply(
            stories=stories,
            header=t(
                header_key,
                lang,
                count=len(stories),
                stories=count_phrase(len(stories), "stories", lang),
            ),
            language=lang,
            timezone=settings.timezone,
        )

    async def _cmd_top(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        """Today's most-covered stories (bot.top_stories.top_stories)."""
        count = parse_count(
            inv.args, default=self._limits.latest_default, maximum=self._limits.latest_max
        )
        stories = top_stories(self._storage, self._stories, settings, self._clock.now(), count)
        if not stories:
            return self._text(t("top_nothing", lang), lang)
        header = t(
            "top_header",
            lang,
            count=len(stories),
            stories=count_phrase(len(stories), "stories", lang),
        )
        return Reply(
            stories=tuple(stories), header=header, language=lang, timezone=settings.timezone
        )

    async def _cmd_summary(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        url = parse_url(inv.args)
        now = self._clock.now()
        key = (inv.chat.platform.value, inv.user_id)
        last = self._last_summary.get(key)
        cooldown = self._limits.summary_cooldown_seconds
        if last is not None and (now - last).total_seconds() < cooldown:
            # Whole seconds left, rounded up (10.0 left is "10", not "11").
            wait = max(1, math.ceil(cooldown - (now - last).total_seconds()))
            seconds = count_phrase(wait, "seconds", lang)
            return self._text(t("summary_cooldown", lang, seconds=seconds), lang, ephemeral=True)
        self._last_summary[key] = now
        if len(self._last_summary) > 1000:
            # Forget users whose cooldown is over, so the table stays small.
            horizon = now - timedelta(seconds=cooldown)
            for old in [k for k, at in self._last_summary.items() if at < horizon]:
                del self._last_summary[old]
        try:
            story = await self._summarize_url(url)
        except BlockedAddressError:
            return self._text(t("summary_blocked", lang), lang, ephemeral=True)
        except FeedNotFoundError:
            return self._text(t("summary_not_found", lang), lang, ephemeral=True)
        except FetchError as error:
            if error.status in (404, 410):
                return self._text(t("summary_not_found", lang), lang, ephemeral=True)
            text = t("summary_fetch_failed", lang, reason=reason_text(error.reason, lang))
            return self._text(text, lang, ephemeral=True)
        except ParseError:
            return self._text(t("summary_parse_failed", lang), lang, ephemeral=True)
        except NewsdigestError as error:
            reason = reason_text(getattr(error, "reason", None) or str(error), lang)
            return self._text(t("summary_failed", lang, reason=reason), lang, ephemeral=True)
        return Reply(stories=(story,), language=lang, timezone=settings.timezone)
