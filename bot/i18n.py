"""Every user-facing bot text, in Arabic (the default) and English.

`t(key, lang, **kw)` looks a text up and fills its ``{placeholders}``; a language we do
not have falls back to Arabic. Command descriptions here feed Telegram's setMyCommands
and Discord's localisations, so both platforms describe commands the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

LANGUAGES: tuple[str, ...] = ("ar", "en")
DEFAULT_LANGUAGE = "ar"

_RLM = "\u200f"
_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_STRONG_LTR = re.compile("[A-Za-z0-9/@#<]")

# Commands in the order menus show them. Telegram uses every name; Discord groups them
# under /news and calls "mysubs" "subscriptions" (see DISCORD_COMMANDS).
TELEGRAM_COMMANDS: tuple[str, ...] = (
    "start",
    "help",
    "topics",
    "subscribe",
    "unsubscribe",
    "exclude",
    "include",
    "mysubs",
    "digest",
    "latest",
    "top",
    "summary",
    "schedule",
    "feeds",
    "lang",
    "images",
    "health",
    "addfeed",
    "removefeed",
    "myfeeds",
    "import",
    "export",
)
DISCORD_COMMANDS: tuple[str, ...] = (
    "help",
    "topics",
    "subscribe",
    "unsubscribe",
    "exclude",
    "include",
    "subscriptions",
    "digest",
    "latest",
    "top",
    "summary",
    "schedule",
    "feeds",
    "lang",
    "images",
    "health",
    "feed add",  # /news feed add|remove|list: bot.commands.COMMAND_ALIASES
    "feed remove",
    "feed list",
    "feed import",  # /news feed import|export: OPML (bot.opml)
    "feed export",
    "webhook",  # answered by the Discord adapter itself (bot.discord.app), not CommandService
)


def _texts(**entries: tuple[str, str]) -> Mapping[str, Mapping[str, str]]:
    return MappingProxyType(
        {key: MappingProxyType({"ar": ar, "en": en}) for key, (ar, en) in entries.items()}
    )


# Descriptions: Telegram allows 3-256 characters, Discord 1-100; keep them short.
_DESCRIPTIONS = _texts(
    start=("بدء الاستخدام ورسالة الترحيب", "Get started"),
    help=("عرض الأوامر وطريقة استخدامها", "Show the commands and how to use them"),
    topics=("المواضيع المتاحة للاشتراك", "Topics you can subscribe to"),
    subscribe=("الاشتراك في موضوع أو كلمة مفتاحية", "Follow a topic or a keyword"),
    unsubscribe=(
        "إلغاء الاشتراك في موضوع أو كلمة أو الكل",
        "Stop following a topic, keyword or all",
    ),
    mysubs=("اشتراكات هذه المحادثة وإعداداتها", "This chat's subscriptions and settings"),
    subscriptions=("اشتراكات هذه القناة وإعداداتها", "This channel's subscriptions and settings"),
    digest=("إرسال ملخص الأخبار الجديدة الآن", "Send a digest of new stories now"),
    latest=("آخر الأخبار الملخصة (1-20)", "The latest summarised stories (1-20)"),
    top=("أكثر أخبار اليوم تداولًا بين المصادر (1-20)", "Today's most-covered stories (1-20)"),
    summary=("تلخيص مقال من رابط", "Summarise one article from a link"),
    schedule=("موعد الملخص اليومي أو النشر الفوري أو الإيقاف", "Daily digest time, instant or off"),
    feeds=("مصادر الأخبار المتابعة", "The news feeds we follow"),
    lang=("لغة الردود: ar أو en", "Reply language: ar or en"),
    images=("صورة الخبر في المنشورات: on أو off", "The story's image in posts: on or off"),
    health=("حالة مصادر الأخبار", "Status of the news feeds"),
    webhook=(
        "النشر عبر webhook باسم وصورة تختارهما",
        "Post through a webhook with your own name and avatar",
    ),
    addfeed=("إضافة مصدر (موقع أو خلاصة RSS) لهذه المحادثة", "Add a source (site or RSS feed)"),
    removefeed=("إزالة مصدر أضفته هذه المحادثة", "Remove a source this chat added"),
    myfeeds=("المصادر التي أضافتها هذه المحادثة", "The sources this chat added"),
    exclude=("استبعاد موضوع أو كلمة من الأخبار", "Leave out a topic or keyword"),
    include=("إلغاء الاستبعاد", "Undo an exclusion"),
)
# Discord's subcommands of /news feed describe themselves like their Telegram commands.
_DISCORD_NAMES = {
    "feed add": "addfeed",
    "feed remove": "removefeed",
    "feed list": "myfeeds",
    "feed import": "import",
    "feed export": "export",
}

# Usage lines. {p} is the command prefix: "/" on Telegram, "/news " on Discord.
_USAGE = _texts(
    subscribe=(
        "{p}subscribe <موضوع|كلمة ...>  مثال: {p}subscribe ai أمن",
        "{p}subscribe <topic|keyword ...>  e.g. {p}subscribe ai security",
    ),
    unsubscribe=(
        "{p}unsubscribe <موضوع|كلمة|all (الكل)>",
        "{p}unsubscribe <topic|keyword|all>",
    ),
    mysubs=("{cmd} [@القناة]", "{cmd} [@channel]"),
    latest=("{p}latest [عدد من 1 إلى 20]", "{p}latest [number 1-20]"),
    top=("{p}top [عدد من 1 إلى 20]", "{p}top [number 1-20]"),
    summary=("{p}summary <رابط المقال>", "{p}summary <article link>"),
    schedule=(
        "{p}schedule <HH:MM [المنطقة الزمنية]> | instant | off (أو: فوري | إيقاف)"
        "  مثال: {p}schedule 08:30 الرياض",
        "{p}schedule <HH:MM [timezone]> | instant | off  e.g. {p}schedule 08:30 Asia/Riyadh",
    ),
    lang=("{p}lang ar|en", "{p}lang ar|en"),
    images=("{p}images on|off (أو: تشغيل | إيقاف)", "{p}images on|off"),
    addfeed=(
        "{p}addfeed [@القناة] <رابط الموقع أو خلاصة RSS>  مثال: {p}addfeed https://example.com",
        "{p}addfeed [@channel] <site or RSS feed link>  e.g. {p}addfeed https://example.com",
    ),
    removefeed=(
        "{p}removefeed [@القناة] <الرابط أو رقمه في {p}myfeeds>",
        "{p}removefeed [@channel] <link, or its number in {p}myfeeds>",
    ),
    myfeeds=("{cmd} [@القناة]", "{cmd} [@channel]"),
    webhook=(
        "{p}webhook <رابط الـ webhook|off> [الاسم] [رابط https للصورة]",
        "{p}webhook <webhook URL|off> [name] [https avatar link]",
    ),
    exclude=(
        "{p}exclude <موضوع|كلمة|/نمط/ ...>  مثال: {p}exclude crypto",
        "{p}exclude <topic|keyword|/pattern/ ...>  e.g. {p}exclude crypto",
    ),
    include=("{p}include <موضوع|كلمة|/نمط/|all>", "{p}include <topic|keyword|/pattern/|all>"),
)

# Discord's form where it differs: a channel is picked with the `channel` option.
_USAGE_DISCORD = _texts(
    mysubs=("{cmd} [channel:#القناة]", "{cmd} [channel:#channel]"),
    addfeed=(
        "{p}feed add url:<رابط الموقع أو الخلاصة> [channel:#القناة]",
        "{p}feed add url:<site or feed link> [channel:#channel]",
    ),
    removefeed=(
        "{p}feed remove feed:<الرابط أو الرقم> [channel:#القناة]",
        "{p}feed remove feed:<link or number> [channel:#channel]",
    ),
    myfeeds=("{p}feed list [channel:#القناة]", "{p}feed list [channel:#channel]"),
)

_MESSAGES = _texts(
    stats_chats=(
        "المحادثات: {count} (تيليجرام {telegram}، ديسكورد {discord}؛ متوقفة {paused})",
        "Chats: {count} (Telegram {telegram}, Discord {discord}; paused {paused})",
    ),
    stats_feeds=(
        "المصادر: للمشغّل {public}، أضافتها المحادثات {own}، معطّلة {disabled}، متعثّرة {failing}",
        "Feeds: operator's {public}, added by chats {own}, disabled {disabled}, failing {failing}",
    ),
    stats_sent=(
        "أخبار أُرسلت في آخر 24 ساعة: {count}",
        "Stories sent in the last 24 hours: {count}",
    ),
    feeds_owner_usage=(
        "{p}feeds disable|enable <الرابط> | {p}feeds quota <رقم المحادثة> <عدد|default>",
        "{p}feeds disable|enable <link> | {p}feeds quota <chat id> <number|default>",
    ),
    feed_owner_quota=(
        "يمكن للمحادثة {chat} الآن إضافة {limit} مصدرًا.",
        "Chat {chat} may now add {limit} sources.",
    ),
    feed_owner_disabled=("عُطّل المصدر {url}.", "Disabled {url}."),
    feed_owner_enabled=("فُعّل المصدر {url}.", "Enabled {url}."),
    feed_unknown=("لا يوجد مصدر بهذا الرابط: {url}", "No feed has that link: {url}"),
    feed_added=(
        "أُضيف المصدر «{title}»{target}: سيصل كل جديد ينشره. آخر ما نشر:",
        "Added «{title}»{target}: every new item it publishes will be posted. Its latest:",
    ),
    feed_added_empty=(
        "أُضيف المصدر «{title}»{target}: سيصل كل جديد ينشره (لا عناصر فيه الآن).",
        "Added «{title}»{target}: every new item it publishes will be posted (it has none yet).",
    ),
    feed_already=(
        "المصدر «{title}» مضاف من قبل{target}.",
        "«{title}» is already among the sources{target}.",
    ),
    feed_blocked=(
        "لا يمكن جلب هذا الرابط: تُقبل عناوين http(s) العامة فقط، لا العناوين الخاصة أو المحلية.",
        "That link cannot be fetched: only public http(s) addresses are accepted, not"
        " private or local ones.",
    ),
    feed_not_found=(
        "لا شيء في هذا الرابط (الصفحة غير موجودة، 404).",
        "Nothing is at that link (page not found, 404).",
    ),
    feed_gone=(
        "هذا المصدر لم يعد موجودًا (410).",
        "That feed no longer exists (410).",
    ),
    feed_not_a_feed=(
        "لم أجد خلاصة RSS أو Atom في هذا الرابط ولا في صفحته.",
        "No RSS or Atom feed was found at that link or on its page.",
    ),
    feed_fetch_failed=(
        "تعذّر قراءة الرابط: {reason}. جرّب لاحقًا.",
        "Could not read the link: {reason}. Try again later.",
    ),
    feed_quota=(
        "بلغت هذه المحادثة حدّها من المصادر ({limit}). أزل واحدًا أولًا بـ {p}removefeed.",
        "This chat has reached its limit of {limit} sources. Remove one first with {p}removefeed.",
    ),
    feed_total_quota=(
        "بلغ البوت حدّه من المصادر المضافة من المحادثات؛ راسل مشغّل البوت.",
        "The bot follows as many chat-added sources as it may; ask the bot's operator.",
    ),
    feed_removed=("أُزيل المصدر «{title}»{target}.", "Removed «{title}»{target}."),
    feed_not_followed=(
        "هذا المصدر ليس من مصادر المحادثة: {what}. اعرضها بـ {p}myfeeds.",
        "That is not one of the chat's sources: {what}. See them with {p}myfeeds.",
    ),
    myfeeds_header=(
        "المصادر المضافة{target} ({count} من {limit}):",
        "Sources added{target} ({count} of {limit}):",
    ),
    myfeeds_stopped=("متوقف: {reason}", "stopped: {reason}"),
    myfeeds_none=(
        "لم تُضف هذه المحادثة مصادر بعد. أضف موقعًا أو خلاصة: {p}addfeed <الرابط>",
        "This chat has added no sources yet. Add a site or feed: {p}addfeed <link>",
    ),
    own_feeds_off=(
        "إضافة المصادر من المحادثة غير مفعّلة في هذا البوت.",
        "Adding sources from the chat is turned off on this bot.",
    ),
    feed_stopped_owner=(
        "عُطّل المصدر «{title}» ({url}): {reason}.\nأعد تفعيله بـ /feeds enable {url}"
        " حين يعود للعمل.",
        "The feed «{title}» ({url}) was disabled: {reason}.\nSwitch it back on with"
        " /feeds enable {url} when it works again.",
    ),
    feed_stopped_notice=(
        "توقف المصدر «{title}» ({url}): {reason}.\nافتح الرابط في المتصفح؛ إن عاد يعمل"
        " فأضفه من جديد بـ {add} {url}، أو أزله بـ {remove} {url}.",
        "The source «{title}» ({url}) stopped: {reason}.\nOpen the link in a browser; when it"
        " works again add it anew with {add} {url}, or remove it with {remove} {url}.",
    ),
    welcome=(
        "أهلًا! أنا بوت «ملخص الأخبار التقنية»: أقرأ أخبار التقنية العربية وأرسل لك كل خبر"
        " في 3 إلى 5 نقاط، فور نشره أو في ملخص يومي، حسب المواضيع التي تختارها.\n"
        "ابدأ بـ {p}topics لرؤية المواضيع، ثم {p}subscribe لاختيار ما يهمك.\n"
        "{p}help لكل الأوامر.",
        "Hello! I read Arabic technology news and send each story as 3-5 key points,"
        " instantly or as a daily digest, filtered by the topics you choose.\n"
        "Start with {p}topics, then {p}subscribe to pick what interests you.\n"
        "{p}help lists every command.",
    ),
    help_header=("الأوامر المتاحة:", "Available commands:"),
    help_footer=(
        "في المجموعات والقنوات يغيّر الاشتراكات والمواعيد المشرفون فقط."
        " لإدارة قناة من المحادثة الخاصة: {p}subscribe @القناة ai",
        "In groups and channels only admins change subscriptions and schedules."
        " To manage a channel from a private chat: {p}subscribe @channel ai",
    ),
    help_footer_discord=(
        "تغيير ما تستقبله قناة (subscribe وunsubscribe وexclude وinclude وschedule وlang وwebhook"
        " وfeed) متاح لمن يملك"
        " صلاحية Manage Channels (إدارة القنوات) أو Manage Server (إدارة الخادم) في تلك القناة."
        " لإدارة قناة أخرى من هنا استعمل خيار channel، مثال: {p}subscribe ai channel:#news",
        "Changing what a channel receives (subscribe, unsubscribe, exclude, include, schedule,"
        " lang, webhook, feed)"
        " needs Manage Channels or Manage Server in that channel. To manage another channel"
        " from here, use the channel option, e.g. {p}subscribe ai channel:#news",
    ),
    unknown_command=(
        "لا أعرف الأمر {p}{name}. اكتب {p}help لرؤية الأوامر.",
        "I don't know the command {p}{name}. Type {p}help to see the commands.",
    ),
    did_you_mean=("هل تقصد {p}{name}؟", "Did you mean {p}{name}?"),
    usage=("الاستخدام: {usage}", "Usage: {usage}"),
    no_arguments=(
        "الأمر {p}{name} لا يحتاج إلى معطيات. اكتب {p}help لرؤية الأوامر.",
        "{p}{name} takes no arguments. Type {p}help to see the commands.",
    ),
    admins_only=(
        "تغيير إعدادات هذه المحادثة متاح للمشرفين فقط.",
        "Only admins can change this chat's settings.",
    ),
    admins_only_discord=(
        "تغيير إعدادات هذه القناة متاح لمن يملك صلاحية Manage Channels (إدارة القنوات)"
        " أو Manage Server (إدارة الخادم) فقط.",
        "Only members with Manage Channels or Manage Server can change this channel's settings.",
    ),
    target_denied=("لا يمكن إدارة {target}: {reason}", "Cannot manage {target}: {reason}"),
    target_unknown=(
        "لم أجد {target}. تأكد من الاسم وأن البوت مضاف إليها.",
        "I couldn't find {target}. Check the name and that the bot was added there.",
    ),
    one_target_only=("حدّد قناة واحدة فقط.", "Name only one channel."),
    # topics
    topics_header=("المواضيع المتاحة:", "Available topics:"),
    topics_footer=(
        "اشترك بكتابة {p}subscribe ثم اسم الموضوع، أو أي كلمة مفتاحية (مثل DeepSeek).",
        "Subscribe with {p}subscribe and a topic name, or any keyword (like DeepSeek).",
    ),
    topics_empty=("لا توجد مواضيع معرّفة.", "No topics are defined."),
    # subscriptions
    subscribed_topics=("تم الاشتراك في: {items}", "Subscribed to: {items}"),
    subscribed_keywords=("كلمات مفتاحية مضافة: {items}", "Keywords added: {items}"),
    already_subscribed=("مشترك مسبقًا في: {items}", "Already following: {items}"),
    bad_keyword=(
        "كلمة غير صالحة: {items} (من 2 إلى {max})",
        "Not a valid keyword: {items} (2 to {max})",
    ),
    too_many_subscriptions=(
        "بلغت الحد الأقصى ({max}) من الاشتراكات. ألغِ بعضها بـ {p}unsubscribe.",
        "You reached the limit of {max} subscriptions. Remove some with {p}unsubscribe.",
    ),
    unsubscribed=("تم إلغاء الاشتراك في: {items}", "Unsubscribed from: {items}"),
    unsubscribed_all=("تم إلغاء كل الاشتراكات.", "All subscriptions removed."),
    not_subscribed=("غير مشترك في: {items}", "Not following: {items}"),
    for_target=("({target})", "({target})"),
    mysubs_header=("الاشتراكات{target}:", "Subscriptions{target}:"),
    mysubs_topics=("المواضيع: {items}", "Topics: {items}"),
    mysubs_keywords=("الكلمات المفتاحية: {items}", "Keywords: {items}"),
    mysubs_own_only=(
        "المواضيع: لا شيء غير المصادر التي أضفتها ({p}myfeeds)؛ {p}subscribe يضيف مواضيع إليها.",
        "Topics: only the sources you added ({p}myfeeds); {p}subscribe adds topics to them.",
    ),
    mysubs_none=(
        "لا توجد اشتراكات بعد. اكتب {p}topics لرؤية المواضيع.",
        "No subscriptions yet. Type {p}topics to see the topics.",
    ),
    mode_instant=(
        "طريقة الإرسال: فوري، كل خبر عند نشره",
        "Delivery: instant, each story as it comes",
    ),
    mode_scheduled=(
        "طريقة الإرسال: ملخص يومي الساعة {time} ({tz})",
        "Delivery: daily digest at {time} ({tz})",
    ),
    mode_off=(
        "طريقة الإرسال: متوقف (اطلب الملخص بـ {p}digest)",
        "Delivery: off (ask for a digest with {p}digest)",
    ),
    language_line=("لغة الردود: {language}", "Reply language: {language}"),
    paused_line=(
        "⚠️ الإرسال متوقف مؤقتًا: {reason}. أي أمر تعديل هنا يعيد تشغيله.",
        "⚠️ Delivery is paused: {reason}. Any settings command here resumes it.",
    ),
    resumed=("تم استئناف الإرسال إلى هذه المحادثة.", "Delivery to this chat resumed."),
    # digest / latest / summary
    digest_header=(
        "ملخص أخبار التقنية — عدد الأخبار: {count}",
        "Tech news digest — {count} stories",
    ),
    backlog_header=("أخبار جديدة: {count}", "New stories: {count}"),
    digest_nothing=(
        "لا أخبار جديدة تطابق اشتراكاتك منذ آخر ملخص. جرّب {p}latest.",
        "No new stories match your subscriptions since the last digest. Try {p}latest.",
    ),
    latest_header=("أحدث الأخبار ({count})", "Latest {stories}"),
    latest_header_matching=(
        "أحدث الأخبار المطابقة لاشتراكاتك ({count})",
        "Latest {stories} matching your subscriptions",
    ),
    latest_nothing=("لا توجد أخبار بعد.", "There are no stories yet."),
    bad_count=(
        "العدد يجب أن يكون رقمًا من {min} إلى {max}.",
        "The number must be between {min} and {max}.",
    ),
    bad_url=(
        "هذا ليس رابطًا صالحًا. أرسل رابطًا يبدأ بـ http:// أو https://",
        "That is not a valid link. Send a link starting with http:// or https://",
    ),
    summary_blocked=(
        "لا يُسمح بجلب هذا العنوان (عنوان داخلي أو خاص).",
        "Fetching this address is not allowed (internal or private address).",
    ),
    summary_not_found=("الصفحة غير موجودة.", "The page was not found."),
    summary_fetch_failed=(
        "تعذّر جلب الصفحة: {reason}",
        "Could not fetch the page: {reason}",
    ),
    summary_parse_failed=(
        "تعذّر استخراج نص مقال من هذه الصفحة.",
        "Could not find article text on that page.",
    ),
    summary_failed=("تعذّر تلخيص المقال: {reason}", "Could not summarise the article: {reason}"),
    feed_cooldown=(
        "انتظر {seconds} قبل إضافة مصدر آخر.",
        "Please wait {seconds} before adding another source.",
    ),
    summary_cooldown=(
        "انتظر {seconds} قبل طلب تلخيص آخر.",
        "Please wait {seconds} before asking for another summary.",
    ),
    # schedule
    schedule_set=(
        "سيصل الملخص يوميًا الساعة {time} بتوقيت {tz}.",
        "The digest will arrive daily at {time} {tz} time.",
    ),
    schedule_instant=(
        "سيصل كل خبر فور نشره.",
        "Each story will arrive as soon as it is published.",
    ),
    schedule_off=(
        "أوقفت الإرسال التلقائي. يمكنك طلب الملخص بـ {p}digest.",
        "Automatic delivery is off. You can still ask for a digest with {p}digest.",
    ),
    bad_time=(
        "وقت غير صالح «{value}». اكتب الوقت بصيغة 24 ساعة مثل 08:30 أو 21:00.",
        "Invalid time '{value}'. Write it as 24-hour HH:MM, like 08:30 or 21:00.",
    ),
    bad_timezone=(
        "منطقة زمنية غير معروفة «{value}». استخدم اسمًا مثل Asia/Riyadh أو Africa/Cairo أو UTC+3.",
        "Unknown timezone '{value}'. Use a name like Asia/Riyadh, Africa/Cairo or UTC+3.",
    ),
    # feeds / health
    feeds_header=("المصادر المتابعة ({count}):", "Feeds we follow ({count}):"),
    feeds_none=("لا توجد مصادر مفعّلة.", "No feeds are enabled."),
    feeds_more=("… ومصادر أخرى: {count}", "… and {count} more"),
    health_summary=(
        "المصادر: {total} — سليمة {ok}، بها أخطاء {failing}، معطّلة {disabled}",
        "Feeds: {total} — healthy {ok}, failing {failing}, disabled {disabled}",
    ),
    health_never=("لم يُجلب أي مصدر بعد.", "No feed has been fetched yet."),
    health_failing_line=(
        "✗ {name}: {error} ({count} على التوالي)",
        "✗ {name}: {error} ({count} in a row)",
    ),
    health_disabled_line=("⏸ {name}: {reason}", "⏸ {name}: {reason}"),
    health_last_success=("آخر جلب ناجح: {when}", "Last successful fetch: {when}"),
    health_all_ok=("كل المصادر تعمل.", "All feeds are working."),
    # lang
    lang_set=("ستكون الردود بالعربية.", "Replies will be in English."),
    bad_language=(
        "اللغات المتاحة: ar (العربية) و en (English).",
        "Languages: ar (Arabic), en (English).",
    ),
    # images
    images_on=(
        "ستصل الأخبار الفورية مع صورتها (صورة مع النقاط، أو معاينة فوق النص الطويل).",
        "Instant stories will come with their image (a photo with the points, or a preview"
        " above a long text).",
    ),
    images_off=("ستصل الأخبار بلا صور.", "Stories will come without images."),
    images_on_target=(
        "ستصل أخبار {target} الفورية مع صورتها.",
        "Instant stories in {target} will come with their image.",
    ),
    images_off_target=(
        "ستصل أخبار {target} بلا صور.",
        "Stories in {target} will come without images.",
    ),
    bad_images=("اكتب on أو off (أو: تشغيل أو إيقاف).", "Write on or off."),
    images_line=("الصور: {state}", "Images: {state}"),
    images_state_on=("تظهر في الأخبار الفورية", "shown in instant posts"),
    images_state_off=("لا تظهر", "not shown"),
    # errors
    internal_error=(
        "حدث خطأ غير متوقع، حاول مرة أخرى لاحقًا.",
        "Something went wrong, please try again later.",
    ),
    list_separator=("، ", ", "),
    all_technology=("كل أخبار التقنية", "all technology news"),
    # /top (issue #14)
    top_header=("الأكثر تداولًا بين المصادر اليوم ({count})", "Most covered today: {stories}"),
    top_nothing=("لا أخبار في آخر 24 ساعة بعد.", "No stories in the last 24 hours yet."),
)


# --- command replies: languages, counts, targets and error reasons (issue #12) ---------
# Kept in their own block: `t` looks here after _MESSAGES.
_REPLY_TEXTS = _texts(
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
_OPML_TEXTS = _texts(
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
_REPLY_TEXTS = MappingProxyType({**_REPLY_TEXTS, **_OPML_TEXTS})
_DESCRIPTIONS = MappingProxyType(
    {
        **_DESCRIPTIONS,
        **_texts(
            export=("ملف OPML بمصادر هذه المحادثة", "This chat's sources as an OPML file"),
            **{"import": ("استيراد مصادر من ملف OPML", "Import sources from an OPML file")},
            owner=("أوامر مالك البوت", "The bot owner's commands"),
            stats=("إحصاءات البوت (للمالك)", "The bot's statistics (owners)"),
            owner_feed=("تعطيل مصدر أو تفعيله (للمالك)", "Disable or enable a feed (owners)"),
            owner_quota=("حدّ مصادر قناة (للمالك)", "A channel's limit of sources (owners)"),
        ),
    }
)

# --- buttons and menus (issue #17): Telegram's /topics keyboard, Discord's topic menu ----
# Kept in their own block: `t` looks here after _REPLY_TEXTS.
_BUTTON_TEXTS = _texts(
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
_COUNTED: Mapping[str, Mapping[str, tuple[str, ...]]] = MappingProxyType(
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


def arabic_plural_form(count: int) -> int:
    """Which Arabic form a count takes (CLDR categories): 0 one (1), 1 two (2), 2 few
    (n % 100 in 3..10: ثوانٍ), 3 many (n % 100 in 11..99: ثانية), 4 other (0, 100-102,
    200-202...: ثانية)."""
    n = abs(count)
    if n == 1:
        return 0
    if n == 2:
        return 1
    if 3 <= n % 100 <= 10:
        return 2
    if 11 <= n % 100 <= 99:
        return 3
    return 4


def count_phrase(count: int, noun: str, lang: str | None) -> str:
    """'10 ثوانٍ', '11 ثانية', '2 ثانيتان', '1 second', '5 seconds': the number and the
    noun in the form that agrees with it (KeyError for an unknown noun)."""
    forms = _COUNTED[noun]
    if lang == "en":
        one, other = forms["en"]
        return f"{count} {one if abs(count) == 1 else other}"
    return f"{count} {forms['ar'][arabic_plural_form(count)]}"


def language_name(code: str, lang: str | None) -> str:
    """The name of language `code` ('ar'/'en') in `lang`: 'الإنجليزية', 'English'."""
    key = f"language_name_{code}"
    return t(key, lang) if key in _REPLY_TEXTS else code


def t(key: str, lang: str | None, **kw: object) -> str:
    """The text `key` in `lang` (Arabic when the language is unknown), placeholders filled.

    Raises KeyError for a key that does not exist: a typo must fail in tests, not show
    a raw key to a user.
    """
    if key in _MESSAGES:
        entry = _MESSAGES[key]
    else:
        entry = _REPLY_TEXTS[key] if key in _REPLY_TEXTS else _BUTTON_TEXTS[key]
    return entry.get(lang or DEFAULT_LANGUAGE, entry[DEFAULT_LANGUAGE]).format(**kw)


def usage(
    command: str,
    lang: str | None,
    prefix: str = "/",
    *,
    shown_as: str | None = None,
    platform: str = "telegram",
) -> str:
    """The usage line of a command that takes arguments (KeyError for others).
    `shown_as` is the name users type when it differs (Discord's "subscriptions");
    `platform` "discord" picks Discord's form where it differs."""
    entry = (_USAGE_DISCORD.get(command) if platform == "discord" else None) or _USAGE[command]
    text = entry.get(lang or DEFAULT_LANGUAGE, entry[DEFAULT_LANGUAGE])
    return text.format(p=prefix, cmd=prefix + (shown_as or command))


def has_usage(command: str) -> bool:
    return command in _USAGE


def command_description(command: str, lang: str | None) -> str:
    """The short menu description of a command (KeyError for an unknown command)."""
    entry = _DESCRIPTIONS[command]
    return entry.get(lang or DEFAULT_LANGUAGE, entry[DEFAULT_LANGUAGE])


def command_descriptions(lang: str, *, platform: str = "telegram") -> list[tuple[str, str]]:
    """(name, description) pairs in menu order: Telegram's setMyCommands list, or
    Discord's /news subcommands."""
    names = DISCORD_COMMANDS if platform == "discord" else TELEGRAM_COMMANDS
    return [(name, command_description(_DISCORD_NAMES.get(name, name), lang)) for name in names]


def message_keys() -> frozenset[str]:
    """Every text key (for completeness tests and tooling)."""
    return frozenset(_MESSAGES) | frozenset(_REPLY_TEXTS) | frozenset(_BUTTON_TEXTS)


def normalize_language(code: str | None) -> str | None:
    """'en-US', 'EN', 'english', 'عربي' -> 'en'/'ar'; None for anything we do not speak."""
    if not code:
        return None
    value = code.strip().casefold().replace("_", "-")
    if value in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[value]
    primary = value.split("-", 1)[0]
    return primary if primary in LANGUAGES else None


_LANGUAGE_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "arabic": "ar",
        "عربي": "ar",
        "عربى": "ar",
        "العربية": "ar",
        "العربيه": "ar",
        "عربية": "ar",
        "english": "en",
        "انجليزي": "en",
        "إنجليزي": "en",
        "الانجليزية": "en",
        "الإنجليزية": "en",
        "انكليزي": "en",
    }
)


def pick_language(chat_setting: str | None, user_language_hint: str | None) -> str:
    """The reply language: the chat's explicit choice, else the user's client language
    when we speak it, else Arabic."""
    return (
        normalize_language(chat_setting)
        or normalize_language(user_language_hint)
        or DEFAULT_LANGUAGE
    )


def rtl_safe(text: str, lang: str) -> str:
    """Start every Arabic-reply line that opens with a Latin letter, digit or command
    (``/subscribe ...``) with a right-to-left mark, so clients do not lay it out LTR."""
    if lang != "ar":
        return text
    lines = []
    for line in text.split("\n"):
        stripped = line.lstrip()
        first_strong = next(
            (c for c in stripped if _ARABIC_LETTER.match(c) or _STRONG_LTR.match(c)), ""
        )
        needs_mark = bool(first_strong) and not _ARABIC_LETTER.match(first_strong)
        lines.append(_RLM + line if needs_mark and not line.startswith(_RLM) else line)
    return "\n".join(lines)
