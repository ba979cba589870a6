"""Texts of command replies (languages, counts, targets, error reasons), OPML import and
export, buttons and menus, and the counted nouns of `count_phrase`."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from bot.i18n.table import text_table

# --- command replies: languages, counts, targets and error reasons (issue #12) ---------
# Kept in their own block: `t` looks here after MESSAGES.
REPLY_TEXTS = text_table(
    language_name_ar=("العربية", "Arabic"),
    language_name_en=("الإنجليزية", "English"),
    lang_set_target=(
        "ستكون رسائل {target} باللغة {language}.",
        "Messages to {target} will be in {language}.",
    ),
    # Why a managed target was refused (the `code` of the platform's TargetRefused).
    refused_not_admin=(
        "إدارة اشتراكات {target} متاحة لمشرفيها فقط",
        "only administrators of {target} can manage its subscriptions",
    ),
    refused_bot_not_admin=(
        "أضف البوت مشرفًا في {target} حتى يستطيع النشر والتحقق من المشرفين",
        "add the bot as an administrator of {target} so that it can post and check admins",
    ),
    refused_bot_cannot_post=(
        "امنح البوت صلاحية «نشر الرسائل» في {target}",
        "give the bot the 'Post messages' permission in {target}",
    ),
    refused_private_chat=(
        "{target} محادثة خاصة وليست قناة أو مجموعة",
        "{target} is a private chat, not a channel or group",
    ),
    refused_unavailable=(
        "تعذّر التحقق من الصلاحيات الآن؛ حاول بعد قليل",
        "could not check permissions right now; try again shortly",
    ),
    refused_other_server=(
        "{target} في خادم آخر؛ اختر قناة من هذا الخادم",
        "{target} is in another server; name a channel of this server",
    ),
    refused_not_text=(
        "{target} ليست قناة نصية",
        "{target} is not a text channel",
    ),
    refused_other=(
        "لا يمكنك إدارة {target}",
        "you cannot manage {target}",
    ),
    # Error reasons (bot.reply_text.reason_text words the English ones with these).
    reason_unresolvable=(
        "تعذّر العثور على الخادم {host}",
        "could not find the server {host}",
    ),
    reason_blocked=("عنوان داخلي أو خاص", "an internal or private address"),
    reason_invalid_url=("الرابط غير صالح", "the link is not valid"),
    reason_timeout=("انتهت مهلة الاتصال", "the connection timed out"),
    reason_redirects=(
        "تحويلات كثيرة أو حلقة تحويل",
        "too many redirects or a redirect loop",
    ),
    reason_too_large=("الصفحة أكبر من الحد المسموح", "the page is larger than allowed"),
    reason_rate_limited=(
        "الموقع يرفض الطلبات الكثيرة الآن (HTTP 429)",
        "the site is limiting requests right now (HTTP 429)",
    ),
    reason_not_found=("غير موجود (HTTP 404)", "not found (HTTP 404)"),
    reason_gone=("حُذف نهائيًا (HTTP 410)", "gone for good (HTTP 410)"),
    reason_server_error=(
        "خطأ في خادم الموقع (HTTP {status})",
        "the site's server failed (HTTP {status})",
    ),
    reason_http_status=("ردّ الموقع برمز HTTP {status}", "the site answered HTTP {status}"),
    reason_connection=("تعذّر الاتصال بالخادم", "could not connect to the server"),
    reason_bad_response=("ردّ الموقع غير قابل للقراءة", "the site's answer could not be read"),
    reason_not_a_feed=(
        "ليس مصدر أخبار مقروءًا (RSS أو Atom)",
        "not a readable news feed (RSS or Atom)",
    ),
    reason_no_text=("لا يوجد نص مقال في الصفحة", "no article text on the page"),
    reason_not_configured=(
        "جلب صفحات المقالات غير مفعّل",
        "fetching article pages is not enabled",
    ),
    reason_failures_in_row=(
        "{failures} على التوالي، آخرها: {last}",
        "{failures} in a row, the last: {last}",
    ),
    reason_blocked_by_user=("حظر المستخدم البوت", "the user blocked the bot"),
    reason_removed=("أُزيل البوت من المحادثة", "the bot was removed from the chat"),
    reason_chat_gone=("المحادثة لم تعد موجودة", "the chat no longer exists"),
    reason_webhook_gone=("حُذف الـwebhook", "the webhook was deleted"),
    reason_no_rights=("البوت لا يملك صلاحية النشر هناك", "the bot may not post there"),
    reason_unknown=("خطأ غير متوقع", "an unexpected error"),
    # /exclude, /include and /…/ patterns (issue #17; bot.exclusions)
    excluded_added=("لن تصل الأخبار عن: {items}", "Stories about these will not be sent: {items}"),
    already_excluded=("مستبعد مسبقًا: {items}", "Already excluded: {items}"),
    excluded_queue=(
        "وأُزيل من قائمة الإرسال ما يطابقها: {stories}.",
        "Removed from the queue because they match: {stories}.",
    ),
    included=("أُلغي استبعاد: {items}", "No longer excluded: {items}"),
    included_all=("أُلغيت كل الاستبعادات.", "All exclusions removed."),
    not_excluded=("غير مستبعد: {items}", "Not excluded: {items}"),
    mysubs_excluded=("المستبعد: {items}", "Excluded: {items}"),
    bad_pattern=(
        "النمط {value} غير صالح: {reason}",
        "The pattern {value} is not valid: {reason}",
    ),
    too_many_patterns=(
        "بلغت الحد الأقصى ({max}) من الأنماط /…/ في هذه المحادثة. احذف بعضها بـ {p}unsubscribe"
        " أو {p}include.",
        "This chat reached the limit of {max} /…/ patterns. Remove some with {p}unsubscribe"
        " or {p}include.",
    ),
    too_many_exclusions=(
        "بلغت الحد الأقصى ({max}) من الاستبعادات. ألغِ بعضها بـ {p}include.",
        "You reached the limit of {max} exclusions. Remove some with {p}include.",
    ),
    cannot_exclude_all=(
        "لا يمكن استبعاد كل شيء؛ لإيقاف الأخبار استعمل {p}schedule off.",
        "You cannot exclude everything; to stop posts use {p}schedule off.",
    ),
    # Forum topics (Telegram) and forum channels (Discord).
    mysubs_forum_topics=(
        "مواضيع هذه المجموعة التي لها اشتراكاتها (تُدار من داخل كل موضوع):",
        "This group's topics with subscriptions of their own (managed inside each topic):",
    ),
    reason_topic_gone=("حُذف الموضوع", "the topic was deleted"),
    reason_topic_closed=("أُغلق الموضوع", "the topic was closed"),
    topic_paused_notice=(
        "⚠️ توقف إرسال الأخبار إلى الموضوع {target}: {reason}\n"
        "افتح الموضوع من جديد (أو أنشئ غيره) واكتب فيه {p}subscribe ليعود الإرسال إليه."
        " بقية المواضيع لم تتأثر.",
        "⚠️ News stopped going to the topic {target}: {reason}\n"
        "Reopen the topic (or make a new one) and type {p}subscribe in it to resume."
        " The other topics are not affected.",
    ),
)


# --- OPML import and export of a chat's own sources (issue #16 point 2, bot.opml) ------
OPML_TEXTS = text_table(
    opml_imported=(
        "قائمة OPML: {total} مصدرًا؛ أُضيف {added}، مضاف من قبل {already}، مرفوض {refused}.",
        "OPML list: {total} feeds; {added} added, {already} already followed, {refused} refused.",
    ),
    opml_empty=(
        "لا مصادر في هذا الملف (لا عناصر outline فيها xmlUrl).",
        "This file lists no feeds (no outline with an xmlUrl).",
    ),
    opml_added_header=("أُضيفت:", "Added:"),
    opml_added_note=(
        "ستُقرأ في الجولة القادمة للجلب، ثم يصل كل جديد تنشره؛ المصدر الذي لا يعمل يُبلَّغ عنه.",
        "They are read at the next polling round, then every new item they publish is"
        " posted; a source that does not work is reported here.",
    ),
    opml_refused_header=("رُفضت:", "Refused:"),
    opml_more=("… و{count} غيرها", "… and {count} more"),
    opml_reason_empty=("لا رابط", "no address"),
    opml_reason_scheme=(
        "ليس رابط ويب http(s) (مثل javascript: أو file:)",
        "not an http(s) web address (like javascript: or file:)",
    ),
    opml_reason_not_url=("ليس رابطًا صالحًا", "not a valid URL"),
    opml_reason_duplicate=("مكرر في الملف", "listed twice in the file"),
    opml_reason_private=("عنوان خاص أو محلي", "a private or local address"),
    opml_reason_unresolved=("اسم النطاق لا يُعرف عنوانه", "its host name does not resolve"),
    opml_reason_quota=("تجاوز حدّ المحادثة من المصادر", "over the chat's limit of sources"),
    opml_reason_total=(
        "بلغ البوت حدّه من المصادر المضافة من المحادثات",
        "the bot follows as many chat-added sources as it may",
    ),
    opml_refused_too_large=(
        "الملف أكبر من {megabytes} ميغابايت؛ لم يُقرأ.",
        "The file is larger than {megabytes} MB; it was not read.",
    ),
    opml_refused_not_text=(
        "هذا الملف ليس نصًا بترميز معروف؛ أرسل ملف OPML.",
        "That file is not text in a known encoding; send an OPML file.",
    ),
    opml_refused_doctype=(
        "رُفض الملف: فيه DOCTYPE أو تعريف كيانات XML، ولا حاجة لها في OPML.",
        "File refused: it has a DOCTYPE or XML entity declarations, which OPML does not need.",
    ),
    opml_refused_too_many=(
        "رُفض الملف: فيه أكثر من {limit} عنصر outline.",
        "File refused: it has more than {limit} outlines.",
    ),
    opml_refused_not_opml=(
        "هذا ليس ملف OPML (لا عنصر <opml>). صدّره من قارئ الخلاصات باسم .opml.",
        "That is not an OPML file (no <opml> element). Export one from your feed reader.",
    ),
    opml_import_how=(
        "لاستيراد مصادر: أرسل ملف OPML (.opml أو .xml) إلى البوت في المحادثة الخاصة، أو في"
        " المجموعة ردًّا على هذه الرسالة أو مع التعليق /import (للمشرفين).",
        "To import sources: send an OPML file (.opml or .xml) to the bot in a private chat,"
        " or in a group as a reply to this message or with the caption /import (admins).",
    ),
    opml_import_how_discord=(
        "لاستيراد مصادر: {p}feed import file:<ملف OPML> (للمشرفين).",
        "To import sources: {p}feed import file:<OPML file> (admins).",
    ),
    opml_export_none=(
        "لا مصادر لتصديرها: لم تُضف هذه المحادثة مصادر بعد ({p}addfeed).",
        "Nothing to export: this chat has added no sources yet ({p}addfeed).",
    ),
    opml_export_caption=(
        "مصادر هذه المحادثة ({count}) بصيغة OPML 2.0.",
        "This chat's sources ({count}) as OPML 2.0.",
    ),
    owner_usage_discord=(
        "{p}owner feed action:disable|enable url:<الرابط> | {p}owner quota channel_id:<رقم القناة>"
        " limit:<عدد|default>",
        "{p}owner feed action:disable|enable url:<link> | {p}owner quota channel_id:<channel id>"
        " limit:<number|default>",
    ),
    owner_only=(
        "هذا الأمر لمالكي البوت فقط (NEWSDIGEST_OWNER_IDS).",
        "This command is for the bot's owners only (NEWSDIGEST_OWNER_IDS).",
    ),
)
REPLY_TEXTS = MappingProxyType({**REPLY_TEXTS, **OPML_TEXTS})
# --- buttons and menus (issue #17): Telegram's /topics keyboard, Discord's topic menu ----
# Kept in their own block: `t` looks here after REPLY_TEXTS.
BUTTON_TEXTS = text_table(
    panel_header=(
        "اضغط على موضوع لتتابعه أو لتلغي متابعته (✅ = تتابعه):",
        "Tap a topic to follow or unfollow it (✅ = followed):",
    ),
    panel_following_all=(
        "تتابع الآن كل أخبار التقنية؛ اختيار موضوع يحصر الأخبار فيه.",
        "You follow all technology news now; choosing a topic narrows it to that topic.",
    ),
    panel_page=("الصفحة {count} من {total}", "Page {count} of {total}"),
    panel_unchanged=("لم يتغير شيء.", "Nothing changed."),
    button_instant=("⚡ فوري", "⚡ Instant"),
    button_daily=("🗓 يوميًا {time}", "🗓 Daily {time}"),
    button_off=("⏸ إيقاف", "⏸ Off"),
    button_previous=("◀ السابق", "◀ Previous"),
    button_next=("التالي ▶", "Next ▶"),
    stale_keyboard=(
        "هذه الأزرار قديمة، فلم يتغير شيء. حدّثتُها؛ اضغط من جديد.",
        "These buttons were out of date, so nothing changed. They are updated now: tap again.",
    ),
    stale_topic=(
        "هذا الموضوع لم يعد موجودًا، فلم يتغير شيء. حدّثتُ الأزرار.",
        "That topic no longer exists, so nothing changed. The buttons are updated now.",
    ),
    stale_message=(
        "هذه الرسالة أقدم من أن تُعدَّل، فلم يتغير شيء. أرسلتُ أزرارًا جديدة.",
        "This message is too old to update, so nothing changed. New buttons were sent.",
    ),
    menu_header=(
        "اختر من القائمة المواضيع التي تتابعها هذه القناة:",
        "Pick the topics this channel follows:",
    ),
    menu_placeholder=("اختر المواضيع ({value})", "Choose topics ({value})"),
    menu_stale=(
        "هذه القائمة قديمة، فلم يتغير شيء. اكتب {p}topics لقائمة محدّثة.",
        "This menu is out of date, so nothing changed. Run {p}topics for a current one.",
    ),
)

# Counted nouns: Arabic (one, two, few 3-10, many 11-99, other 100, 101, 102...) and
# English (one, other). See `count_phrase`.
COUNTED: Mapping[str, Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "seconds": MappingProxyType(
            {
                "ar": ("ثانية", "ثانيتان", "ثوانٍ", "ثانية", "ثانية"),
                "en": ("second", "seconds"),
            }
        ),
        "failures": MappingProxyType(
            {
                "ar": (
                    "محاولة فاشلة",
                    "محاولتان فاشلتان",
                    "محاولات فاشلة",
                    "محاولة فاشلة",
                    "محاولة فاشلة",
                ),
                "en": ("failure", "failures"),
            }
        ),
        "stories": MappingProxyType(
            {
                "ar": ("خبر", "خبران", "أخبار", "خبرًا", "خبر"),
                "en": ("story", "stories"),
            }
        ),
        "characters": MappingProxyType(
            {
                "ar": ("حرف", "حرفان", "أحرف", "حرفًا", "حرف"),
                "en": ("character", "characters"),
            }
        ),
    }
)
