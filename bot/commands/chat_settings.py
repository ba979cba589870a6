"""How a chat receives stories: /schedule, /lang, /images, and /health (the state of
the feeds, shown in the chat's timezone)."""

from __future__ import annotations

from dataclasses import replace

from bot.chat import Invocation, PlatformGate, Reply
from bot.command_args import (
    BadArgument,
    parse_schedule,
    split_targets,
)
from bot.commands.base import IMAGES_OFF, IMAGES_ON, CommandBase
from bot.delivery import chat_zone
from bot.i18n import (
    LANGUAGES,
    count_phrase,
    language_name,
    normalize_language,
    t,
)
from bot.reply_text import reason_text, timezone_label
from digest.models import (
    ChatSettings,
    DeliveryMode,
)
from digest.stories import source_name


class ChatSettingsCommands(CommandBase):
    """/schedule, /lang, /images and /health."""

    async def _cmd_schedule(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        ref, rest = split_targets(inv.args)
        if not rest:
            raise BadArgument("usage")
        request = parse_schedule(rest)  # validate before asking the platform anything
        target, refusal = await self._target(inv, gate, ref, lang, changing=True)
        if refusal is not None or target is None:
            return refusal or self._text(t("internal_error", lang), lang)
        before = self._load_for_change(target, lang)
        current = replace(before, paused_reason=None, mode=request.mode)
        now = self._clock.now()
        if request.mode is DeliveryMode.SCHEDULED:
            zone = request.timezone or (
                before.timezone
                if before.timezone != "UTC" or before.schedule_time
                else self._limits.default_timezone
            )
            # The schedule counts from now: setting 08:00 at 10:00 means tomorrow 08:00.
            # Digest contents reach back on their own (bot.delivery.digest_window_start).
            current = replace(current, schedule_time=request.time, timezone=zone)
            if (
                before.mode is not DeliveryMode.SCHEDULED
                or before.schedule_time != request.time
                or before.timezone != zone
            ):
                current = replace(current, last_digest_at=now)
            # The zone as the user knows it: "UTC+3", not the stored "Etc/GMT-3".
            text = t("schedule_set", lang, time=request.time, tz=timezone_label(zone))
        elif request.mode is DeliveryMode.INSTANT:
            text = t("schedule_instant", lang)
        else:
            text = t("schedule_off", lang, p=p)
        self._storage.save_chat(current)
        if request.mode is DeliveryMode.OFF:
            self._drop_pending(target, "delivery turned off")
        lines = [text]
        if target != inv.chat:
            lines.append(t("for_target", lang, target=self._target_name(ref, current)))
        lines += self._resume_note(before, lang)
        return self._text("\n".join(lines), lang)

    async def _cmd_health(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        feeds = [f for f in self._storage.get_feeds() if f.public]  # as /feeds
        disabled = [f for f in feeds if not f.enabled]
        failing = [f for f in feeds if f.enabled and f.error_count > 0]
        ok = len(feeds) - len(disabled) - len(failing)
        lines = [
            t(
                "health_summary",
                lang,
                total=len(feeds),
                ok=ok,
                failing=len(failing),
                disabled=len(disabled),
            )
        ]
        zone = chat_zone(settings.timezone)
        successes = [f.last_success_at for f in feeds if f.last_success_at is not None]
        if successes:
            when = max(successes).astimezone(zone).strftime("%Y-%m-%d %H:%M")
            tz = timezone_label(settings.timezone)
            lines.append(t("health_last_success", lang, when=f"{when} {tz}"))
        elif feeds:
            lines.append(t("health_never", lang))
        limit = self._limits.health_list_max
        for feed in sorted(failing, key=lambda f: -f.error_count)[:limit]:
            name = source_name(feed, feed.url)
            lines.append(
                t(
                    "health_failing_line",
                    lang,
                    name=name,
                    error=reason_text(feed.last_error, lang),
                    count=count_phrase(feed.error_count, "failures", lang),
                )
            )
        for feed in disabled[:limit]:
            name = source_name(feed, feed.url)
            reason = reason_text(feed.disabled_reason, lang) if feed.disabled_reason else "-"
            lines.append(t("health_disabled_line", lang, name=name, reason=reason))
        if feeds and not failing and not disabled:
            lines.append(t("health_all_ok", lang))
        return self._text("\n".join(lines), lang)

    async def _cmd_images(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        """/images on|off: the story's image in instant posts (shown by default)."""
        ref, rest = split_targets(inv.args)
        if len(rest) != 1:
            raise BadArgument("usage")
        word = rest[0].strip().casefold()
        if word not in IMAGES_ON | IMAGES_OFF:
            raise BadArgument("bad_images")
        show = word in IMAGES_ON
        target, refusal = await self._target(inv, gate, ref, lang, changing=True)
        if refusal is not None or target is None:
            return refusal or self._text(t("internal_error", lang), lang)
        before = self._storage.get_chat(target)
        updated = replace(before, images=show)
        if self._is_pristine(before):
            # As with /lang: choosing how posts look is not asking for posts.
            updated = replace(updated, mode=DeliveryMode.OFF)
        self._storage.save_chat(updated)
        key = "images_on" if show else "images_off"
        if target == inv.chat:
            line = t(key, lang)
        else:
            line = t(f"{key}_target", lang, target=self._target_name(ref, before))
        return self._text(line, lang)

    async def _cmd_lang(
        self, inv: Invocation, gate: PlatformGate, settings: ChatSettings, lang: str, p: str
    ) -> Reply:
        ref, rest = split_targets(inv.args)
        if len(rest) != 1:
            raise BadArgument("usage")
        chosen = normalize_language(rest[0])
        if chosen is None or chosen not in LANGUAGES:
            raise BadArgument("bad_language")
        target, refusal = await self._target(inv, gate, ref, lang, changing=True)
        if refusal is not None or target is None:
            return refusal or self._text(t("internal_error", lang), lang)
        before = self._storage.get_chat(target)
        updated = replace(before, language=chosen, paused_reason=None)
        if self._is_pristine(before):
            # Saving a chat makes it a recipient; with no subscriptions that would mean
            # "all technology". Choosing a language is not asking for posts.
            updated = replace(updated, mode=DeliveryMode.OFF)
        self._storage.save_chat(updated)
        # The invoking chat's replies switch too when it is the one that changed; for a
        # managed chat the whole reply stays in the invoking chat's language.
        if target == inv.chat:
            reply_lang = chosen
            lines = [t("lang_set", chosen)]
        else:
            reply_lang = lang
            name = self._target_name(ref, before)
            language = language_name(chosen, lang)
            lines = [t("lang_set_target", lang, target=name, language=language)]
        lines += self._resume_note(before, reply_lang)
        return self._text("\n".join(lines), reply_lang)
