"""Command menus: which commands each platform lists, their one-line descriptions
(Telegram's setMyCommands, Discord's localisations) and their usage lines."""

from __future__ import annotations

from bot.i18n.table import text_table

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


# Descriptions: Telegram allows 3-256 characters, Discord 1-100; keep them short.
DESCRIPTIONS = text_table(
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
    export=("ملف OPML بمصادر هذه المحادثة", "This chat's sources as an OPML file"),
    **{"import": ("استيراد مصادر من ملف OPML", "Import sources from an OPML file")},
    owner=("أوامر مالك البوت", "The bot owner's commands"),
    stats=("إحصاءات البوت (للمالك)", "The bot's statistics (owners)"),
    owner_feed=("تعطيل مصدر أو تفعيله (للمالك)", "Disable or enable a feed (owners)"),
    owner_quota=("حدّ مصادر قناة (للمالك)", "A channel's limit of sources (owners)"),
)
# Discord's subcommands of /news feed describe themselves like their Telegram commands.
DISCORD_NAMES = {
    "feed add": "addfeed",
    "feed remove": "removefeed",
    "feed list": "myfeeds",
    "feed import": "import",
    "feed export": "export",
}

# Usage lines. {p} is the command prefix: "/" on Telegram, "/news " on Discord.
USAGE = text_table(
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
USAGE_DISCORD = text_table(
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
