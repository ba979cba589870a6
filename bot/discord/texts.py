"""Texts only Discord shows (the /news group, its options) and the translator that gives
command descriptions their Arabic default and English localisation."""

from __future__ import annotations

from collections.abc import Mapping

import discord
from discord import app_commands

from bot import i18n
from digest.models import ChatSettings

# --- the bot -------------------------------------------------------------------------


_ENGLISH_LOCALES = frozenset({discord.Locale.american_english, discord.Locale.british_english})

# Texts only Discord shows (the group and its options); command descriptions come from
# bot.i18n. (Arabic default, English localisation.)
_GROUP_DESCRIPTION = ("أخبار التقنية العربية في نقاط", "Arabic tech news in key points")
_OPTION_TEXTS: Mapping[str, tuple[str, str]] = {
    "topic_or_keyword": (
        "موضوع (مثل ai) أو كلمة مفتاحية أو all",
        "A topic (like ai), a keyword, or all",
    ),
    "channel": ("القناة المقصودة (الافتراضي: هذه القناة)", "Which channel (default: this one)"),
    "value": ("HH:MM [المنطقة الزمنية] أو instant أو off", "HH:MM [timezone], instant or off"),
    "n": ("عدد الأخبار من 1 إلى 20", "How many stories, 1-20"),
    "url": ("رابط المقال", "The article's link"),
    "feed_url": ("رابط الموقع أو خلاصة RSS", "The site's or RSS feed's link"),
    "feed_ref": ("الرابط أو رقمه في القائمة", "The link, or its number in the list"),
    "language": ("لغة الردود", "Reply language"),
    "images_state": ("صورة الخبر في المنشورات الفورية", "The story's image in instant posts"),
    "webhook_url": (
        "رابط الـ webhook من إعدادات القناة، أو off للإيقاف",
        "The webhook link from the channel's settings, or off",
    ),
    "webhook_name": ("اسم يظهر على الرسائل (اختياري)", "Name shown on the posts (optional)"),
    "webhook_avatar": ("رابط https لصورة (اختياري)", "An https image link (optional)"),
    # OPML import and the owner's commands (bot.opml, bot.owner)
    "opml_file": ("ملف OPML من قارئ الخلاصات", "An OPML file from your feed reader"),
    "owner_action": ("تعطيل أو تفعيل", "Disable or enable"),
    "owner_url": ("رابط المصدر", "The feed's link"),
    "owner_chat": ("رقم القناة", "The channel id"),
    "owner_limit": ("عدد المصادر، أو default", "How many sources, or default"),
}
# Texts only the Discord adapter shows (/news webhook, pause notices).
_DISCORD_TEXTS: Mapping[str, tuple[str, str]] = {
    "webhook_set": (
        "ستصل أخبار {channel} عبر الـ webhook من الآن.{resumed}",
        "Stories for {channel} now go through the webhook.{resumed}",
    ),
    "webhook_off": (
        "أُوقف النشر عبر webhook في هذه القناة؛ سينشر البوت بنفسه.{resumed}",
        "Webhook delivery is off for this channel; the bot posts itself.{resumed}",
    ),
    "webhook_bad_url": (
        "هذا ليس رابط webhook. انسخه من إعدادات القناة ← التكامل ← Webhooks.",
        "That is not a webhook link. Copy it from Channel settings → Integrations → Webhooks.",
    ),
    "webhook_unknown": (
        "لا يعرف Discord هذا الـ webhook (ربما حُذف).",
        "Discord does not know that webhook (was it deleted?).",
    ),
    "webhook_unavailable": (
        "تعذّر التحقق من الـ webhook الآن؛ حاول لاحقًا.",
        "Could not check the webhook right now; try again later.",
    ),
    # Why a channel option was refused (TargetRefused / TargetNotFound.reason_in).
    "refused_not_admin": (
        "تحتاج صلاحية Manage Channels أو Manage Server في {target}",
        "you need Manage Channels or Manage Server in {target}",
    ),
    "refused_bot_cannot_post": (
        "امنح البوت {missing} في {target}",
        "give the bot {missing} in {target}",
    ),
    "refused_other_server": (
        "{target} ليست من قنوات هذا الخادم؛ اختر قناة من الخادم نفسه",
        "{target} is not a channel of this server; pick one from this server",
    ),
    "target_not_a_channel": (
        "{target} ليست قناة؛ اذكرها هكذا: #news",
        "{target} is not a channel: mention it like #news",
    ),
    "target_not_seen": (
        "لا أرى {target}؛ تأكد أن البوت مدعو ويستطيع رؤيتها",
        "I cannot see {target}; check that the bot is invited and can view it",
    ),
    "webhook_refused": ("لا يمكن استخدام {channel}: {reason}", "Cannot use {channel}: {reason}"),
    "webhook_forum": (
        "{channel} منتدى: لا تُستخدم الـ webhooks فيه، والبوت ينشر فيه بنفسه (منشور لكل خبر).",
        "{channel} is a forum: webhooks are not used there, the bot posts itself"
        " (a post per story).",
    ),
    "webhook_admins_only": (
        "تغيير طريقة النشر متاح لمن يملك صلاحية إدارة القنوات فقط.",
        "Only members with Manage Channels can change how this channel is posted to.",
    ),
    "webhook_bad_avatar": (
        "رابط الصورة يجب أن يبدأ بـ https://",
        "The avatar link must start with https://",
    ),
    "webhook_bad_name": (
        "لا يقبل Discord اسمًا يحتوي على discord أو clyde.",
        "Discord does not accept names containing 'discord' or 'clyde'.",
    ),
    "paused_notice": (
        "توقّف نشر الأخبار في {channel} على خادم «{server}»: {reason}\n"
        "أصلحوا صلاحيات البوت هناك (عرض القناة، إرسال الرسائل، تضمين الروابط)، ثم شغّلوا"
        " /news subscribe أو /news schedule في تلك القناة لاستئناف النشر.",
        "newsdigest stopped posting to {channel} on “{server}”: {reason}\n"
        "Give the bot View Channel, Send Messages and Embed Links there, then run"
        " /news subscribe or /news schedule in that channel to resume.",
    ),
    "paused_notice_forum": (
        "توقّف نشر الأخبار في المنتدى {channel} على خادم «{server}»: {reason}\n"
        "أصلحوا صلاحيات البوت هناك (عرض القناة، إنشاء المنشورات، إرسال الرسائل في المنشورات،"
        " تضمين الروابط)، ثم شغّلوا /news subscribe أو /news schedule في ذلك المنتدى"
        " لاستئناف النشر.",
        "newsdigest stopped posting to the forum {channel} on “{server}”: {reason}\n"
        "Give the bot View Channel, Create Posts, Send Messages in Posts and Embed Links there,"
        " then run /news subscribe or /news schedule in that forum to resume.",
    ),
    "paused_notice_webhook": (
        "توقّف نشر الأخبار في {channel} على خادم «{server}»: {reason}\n"
        "لاستئناف النشر: أنشئوا webhook جديدًا في إعدادات القناة ← التكامل ← Webhooks وشغّلوا"
        " /news webhook بالرابط الجديد، أو أعطوا البوت صلاحيات عرض القناة وإرسال الرسائل"
        " وتضمين الروابط هناك ثم شغّلوا /news webhook off في تلك القناة.",
        "newsdigest stopped posting to {channel} on “{server}”: {reason}\n"
        "To resume, create a new webhook (Channel settings → Integrations → Webhooks) and run"
        " /news webhook with its URL, or give the bot View Channel, Send Messages and Embed"
        " Links there and run /news webhook off in that channel.",
    ),
    "webhook_dropped_notice": (
        "حُذف الـ webhook الذي كانت أخبار {channel} على خادم «{server}» تُنشر عبره ({reason})،"
        " فصار البوت ينشرها بنفسه ولم يضِع شيء. لاستعمال webhook من جديد أنشئوا واحدًا وشغّلوا"
        " /news webhook بالرابط الجديد.",
        "The webhook that posted the news in {channel} on “{server}” was deleted ({reason});"
        " the bot posts there itself now and nothing was lost. To use a webhook again, create"
        " one and run /news webhook with its URL.",
    ),
    "bot_cannot_post": ("أعطوا البوت صلاحيات: {missing}", "give the bot {missing}"),
    "webhook_guild_only": ("الـ webhooks متاحة في الخوادم فقط.", "Webhooks only exist in servers."),
}


def _resumed(before: ChatSettings, lang: str) -> str:
    """The "deliveries resume" line for an answer, when the channel was paused."""
    return "\n" + i18n.t("resumed", lang) if before.paused_reason is not None else ""


def _discord_text(key: str, lang: str, **values: object) -> str:
    ar, en = _DISCORD_TEXTS[key]
    return i18n.rtl_safe((en if lang == "en" else ar).format(**values), lang)


def _text(ar: str, en: str) -> app_commands.locale_str:
    return app_commands.locale_str(ar, en=en)


def _command_text(name: str) -> app_commands.locale_str:
    return _text(i18n.command_description(name, "ar"), i18n.command_description(name, "en"))


def _option_text(name: str) -> app_commands.locale_str:
    ar, en = _OPTION_TEXTS[name]
    return _text(ar, en)


class I18nTranslator(app_commands.Translator):
    """Gives Discord the English text of each description for English clients; every
    other locale sees the Arabic default (Discord has no Arabic locale)."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale in _ENGLISH_LOCALES:
            english = string.extras.get("en")
            return str(english) if english else None
        return None


def _locale_code(locale: object) -> str:
    value = getattr(locale, "value", locale)
    return str(value)
