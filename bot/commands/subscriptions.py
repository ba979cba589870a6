"""What a chat follows: /topics, /subscribe, /unsubscribe, /exclude, /include and
/mysubs (which also lists a forum group's topics). Exclusions themselves live in
bot.exclusions; these commands check who may change the chat and hand over."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.chat import Invocation, PlatformGate, Reply
from bot.command_args import (
    BadArgument,
    SubscriptionTerms,
    check_patterns,
    clean_keyword,
    parse_subscription_terms,
    same_keyword,
    split_targets,
)
from bot.commands.base import CommandBase
from bot.exclusions import Change, pattern_count
from bot.forum_topics import group_topics, topic_label
from bot.i18n import (
    count_phrase,
    t,
    usage,
)
from digest.models import (
    ChatKind,
    ChatRef,
    ChatSettings,
    DeliveryMode,
)

MAX_LISTED_TOPICS = 20  # forum topics listed by /mysubs in General (a reply stays short)


class SubscriptionCommands(CommandBase):
    """/topics, /subscribe, /unsubscribe, /exclude, /include and /mysubs."""

    async def _cmd_topics(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        if not self._catalog.topics:
            return self._text(t("topics_empty", lang), lang)
        lines = [t("topics_header", lang)]
        for topic in self._catalog.topics:
            mark = "✓" if topic.slug in settings.topics else "•"
            lines.append(f"{mark} {topic.name(lang)} — {topic.slug}")
        lines.append("")
        lines.append(t("topics_footer", lang, p=p))
        return self._text("\n".join(lines), lang)

    async def _subscription_request(
        self, inv: Invocation, gate: PlatformGate, lang: str
    ) -> tuple[ChatRef, SubscriptionTerms, ChatSettings, str | None] | Reply:
        """What /subscribe, /unsubscribe, /exclude and /include change: the target chat
        (this one, or a channel named first), the parsed terms, the target's settings and
        the target as the user named it; a Reply when the caller may not change that chat.
        Raises BadArgument without terms."""
        ref, rest = split_targets(inv.args)
        if not rest:
            raise BadArgument("usage")
        target, refusal = await self._target(inv, gate, ref, lang, changing=True)
        if refusal is not None or target is None:
            return refusal or self._text(t("internal_error", lang), lang)
        terms = parse_subscription_terms(rest, self._catalog)
        if not (terms.topics or terms.keywords or terms.everything):
            raise BadArgument("usage")
        return target, terms, self._load_for_change(target, lang), ref

    async def _cmd_subscribe(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        request = await self._subscription_request(inv, gate, lang)
        if isinstance(request, Reply):
            return request
        target, terms, before, ref = request
        check_patterns(terms.keywords)  # a /…/ term RE2 refuses: say why, change nothing
        current = replace(before, paused_reason=None)
        lines: list[str] = []
        if terms.everything:
            # No topics and no keywords means "all technology" (digest.topics).
            current = replace(current, topics=frozenset(), keywords=frozenset())
            if current.mode is DeliveryMode.OFF:
                current = replace(current, mode=DeliveryMode.INSTANT)
            lines.append(t("subscribed_topics", lang, items=self._topic_label_all(lang)))
        elif len(terms.topics) + len(terms.keywords) > self._limits.max_subscriptions:
            # More terms than may ever be followed: refuse before comparing them pairwise.
            return self._too_many(lang, p)
        else:
            lines += self._add_terms(terms, before, lang, p)
            good_keywords, _ = self._split_keywords(terms.keywords)
            if not terms.topics and not good_keywords:
                # Nothing usable: saving now would make a new chat follow everything.
                lines.append(t("usage", lang, usage=usage("subscribe", lang, p)))
                return self._text("\n".join(lines), lang, ephemeral=True)
            current = self._apply_terms(terms, current)
            if len(current.topics) + len(current.keywords) > self._limits.max_subscriptions:
                return self._too_many(lang, p)
            if pattern_count(current) > self._exclusions.limits.patterns_per_chat:
                limit = self._exclusions.limits.patterns_per_chat
                text = t("too_many_patterns", lang, max=limit, p=p)
                return self._text(text, lang, ephemeral=True)
            following_before = bool(before.topics or before.keywords)
            if current.mode is DeliveryMode.OFF and not following_before:
                current = replace(current, mode=DeliveryMode.INSTANT)
        self._storage.save_chat(current)
        if target != inv.chat:
            lines.append(t("for_target", lang, target=self._target_name(ref, current)))
        lines += self._resume_note(before, lang)
        if current.mode is DeliveryMode.OFF:
            lines.append(t("mode_off", lang, p=p))
        return self._text("\n".join(lines), lang)

    def _too_many(self, lang: str, p: str) -> Reply:
        text = t("too_many_subscriptions", lang, max=self._limits.max_subscriptions, p=p)
        return self._text(text, lang, ephemeral=True)

    def _topic_label_all(self, lang: str) -> str:
        return t("all_technology", lang)

    def _add_terms(
        self, terms: SubscriptionTerms, before: ChatSettings, lang: str, p: str
    ) -> list[str]:
        lines = []
        new_topics = [s for s in terms.topics if s not in before.topics]
        old_topics = [s for s in terms.topics if s in before.topics]
        good, bad = self._split_keywords(terms.keywords)
        new_keywords = [k for k in good if not any(same_keyword(k, o) for o in before.keywords)]
        old_keywords = [k for k in good if k not in new_keywords]
        if new_topics:
            labels = [self._catalog.label(s, lang) for s in new_topics]
            lines.append(t("subscribed_topics", lang, items=self._join(labels, lang)))
        if new_keywords:
            lines.append(t("subscribed_keywords", lang, items=self._join(new_keywords, lang)))
        if old_topics or old_keywords:
            labels = [self._catalog.label(s, lang) for s in old_topics] + old_keywords
            lines.append(t("already_subscribed", lang, items=self._join(labels, lang)))
        if bad:
            lines.append(
                t(
                    "bad_keyword",
                    lang,
                    items=self._echo_list(bad, lang),
                    max=count_phrase(self._limits.keyword_max_length, "characters", lang),
                )
            )
        return lines

    def _split_keywords(self, keywords: Sequence[str]) -> tuple[list[str], list[str]]:
        good: list[str] = []
        bad: list[str] = []
        for keyword in keywords:
            cleaned = clean_keyword(keyword, self._limits.keyword_max_length)
            if cleaned is None:
                bad.append(keyword)
            elif not any(same_keyword(cleaned, g) for g in good):
                good.append(cleaned)
        return good, bad

    def _apply_terms(self, terms: SubscriptionTerms, settings: ChatSettings) -> ChatSettings:
        good, _ = self._split_keywords(terms.keywords)
        keywords = set(settings.keywords)
        for keyword in good:
            if not any(same_keyword(keyword, k) for k in keywords):
                keywords.add(keyword)
        return replace(
            settings,
            topics=settings.topics | set(terms.topics),
            keywords=frozenset(keywords),
        )

    async def _cmd_unsubscribe(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        request = await self._subscription_request(inv, gate, lang)
        if isinstance(request, Reply):
            return request
        target, terms, before, _ = request
        if terms.everything:
            # Clearing everything must stop posts: an empty list would mean "all tech".
            self._storage.save_chat(
                replace(before, topics=frozenset(), keywords=frozenset(), mode=DeliveryMode.OFF)
            )
            self._drop_pending(target, "unsubscribed from everything")
            return self._text(t("unsubscribed_all", lang), lang)
        removed: list[str] = []
        missing: list[str] = []
        topics = set(before.topics)
        keywords = set(before.keywords)
        for slug in terms.topics:
            (removed if slug in topics else missing).append(self._catalog.label(slug, lang))
            topics.discard(slug)
        for keyword in terms.keywords:
            found = [k for k in keywords if same_keyword(k, keyword)]
            if found:
                keywords.difference_update(found)
                removed.append(found[0])
            else:
                missing.append(keyword)
        lines = []
        if removed:
            lines.append(t("unsubscribed", lang, items=self._join(removed, lang)))
            updated = replace(before, topics=frozenset(topics), keywords=frozenset(keywords))
            if not topics and not keywords:
                # The last one went: stop rather than silently switch to "all technology".
                updated = replace(updated, mode=DeliveryMode.OFF)
                self._drop_pending(target, "unsubscribed from everything")
            self._storage.save_chat(updated)
        if missing:
            lines.append(t("not_subscribed", lang, items=self._echo_list(missing, lang)))
        return self._text("\n".join(lines), lang, ephemeral=not removed)

    async def _cmd_mysubs(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        ref, rest = split_targets(inv.args)
        if rest:
            raise BadArgument("usage")
        target, refusal = await self._target(inv, gate, ref, lang, changing=False)
        if refusal is not None or target is None:
            return refusal or self._text(t("internal_error", lang), lang)
        current = settings if target == inv.chat else self._storage.get_chat(target)
        label = f" ({self._target_name(ref, current)})" if target != inv.chat else ""
        lines = [t("mysubs_header", lang, target=label)]
        following = bool(current.topics or current.keywords)
        if current.topics:
            labels = [self._catalog.label(s, lang) for s in sorted(current.topics)]
            lines.append(t("mysubs_topics", lang, items=self._join(labels, lang)))
        if current.keywords:
            lines.append(
                t("mysubs_keywords", lang, items=self._join(sorted(current.keywords), lang))
            )
        if not following:
            if current.mode is DeliveryMode.OFF or self._is_pristine(current):
                lines.append(t("mysubs_none", lang, p=p))
            elif self._storage.get_chat_feeds(target):
                # Its own sources are what it follows (bot.delivery.only_own_feeds), not
                # "all technology": say so, or the reader expects stories that never come.
                lines.append(t("mysubs_own_only", lang, p=p))
            else:
                lines.append(t("mysubs_topics", lang, items=self._topic_label_all(lang)))
        excluded = self._exclusions.summary_line(current, lang)
        if excluded is not None:
            lines.append(excluded)
        if not self._is_pristine(current):
            lines += self._settings_lines(current, lang, p)
        lines += self._forum_topic_lines(target, lang)
        return self._text("\n".join(lines), lang)

    async def _cmd_exclude(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        """/exclude <topic|keyword|/pattern/ ...> (bot.exclusions)."""

        def exclude(before: ChatSettings, terms: SubscriptionTerms) -> Change:
            return self._exclusions.exclude(before, terms, lang, p, new=self._is_pristine(before))

        return await self._change_exclusions(inv, gate, lang, p, exclude)

    async def _cmd_include(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        """/include <topic|keyword|/pattern/|all>: undo /exclude (bot.exclusions)."""

        def include(before: ChatSettings, terms: SubscriptionTerms) -> Change:
            return self._exclusions.include(before, terms, lang)

        return await self._change_exclusions(inv, gate, lang, p, include)

    async def _change_exclusions(
        self,
        inv: Invocation,
        gate: PlatformGate,
        lang: str,
        p: str,
        change_of: Callable[[ChatSettings, SubscriptionTerms], Change],
    ) -> Reply:
        """/exclude and /include: the target chat and terms as /subscribe reads them (a
        Reply when the caller may not change that chat), `change_of` its settings; a
        change is saved and the queued stories it now excludes are dropped from the
        chat's outbox. Raises BadArgument for missing terms or a bad pattern."""
        request = await self._subscription_request(inv, gate, lang)
        if isinstance(request, Reply):
            return request
        target, terms, before, ref = request
        change = change_of(before, terms)
        lines = list(change.lines)
        if change.settings is not None:
            self._storage.save_chat(change.settings)
            dropped = self._exclusions.drop_excluded(target, change.settings)
            if dropped:
                stories = count_phrase(dropped, "stories", lang)
                lines.append(t("excluded_queue", lang, stories=stories))
            if target != inv.chat:
                lines.append(t("for_target", lang, target=self._target_name(ref, change.settings)))
            if change.settings.mode is DeliveryMode.OFF:
                lines.append(t("mode_off", lang, p=p))
        return self._text("\n".join(lines), lang, ephemeral=change.ephemeral)

    def _forum_topic_lines(self, chat: ChatRef, lang: str) -> list[str]:
        """A forum group's General topic also lists the topics that have settings of
        their own (bot.forum_topics), at most MAX_LISTED_TOPICS of them."""
        if chat.kind is not ChatKind.GROUP or chat.thread_id is not None:
            return []
        topics = group_topics(self._storage, chat)
        if not topics:
            return []
        lines = ["", t("mysubs_forum_topics", lang)]
        for settings in topics[:MAX_LISTED_TOPICS]:
            labels = [self._catalog.label(s, lang) for s in sorted(settings.topics)]
            items = self._join([*labels, *sorted(settings.keywords)], lang)
            if not items:
                items = self._topic_label_all(lang)
            paused = " ⏸" if settings.paused_reason else ""
            lines.append(f"• {topic_label(settings)}{paused}: {items}")
        if len(topics) > MAX_LISTED_TOPICS:
            lines.append("…")
        return lines
