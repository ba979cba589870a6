"""Texts of the bot's messages: help, welcome, subscriptions, digests, errors."""

from __future__ import annotations

from bot.i18n.table import text_table

MESSAGES = text_table(
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
