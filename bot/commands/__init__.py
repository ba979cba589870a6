"""Chat commands, written once for Telegram and Discord.

Adapters turn an update/interaction into an `Invocation`, call
`CommandService.handle(invocation, gate)` and render the `Reply`. Parsing of arguments
lives in pure functions in bot.command_args (`parse_schedule`, `parse_count`, `parse_url`,
`split_targets`, `parse_subscription_terms`, re-exported here) that raise `BadArgument`
with the text key to show. What users typed comes back in replies only through
bot.reply_text.echo (cut, isolated), and error reasons only as bot.i18n texts
(bot.reply_text.reason_text).

Permissions: reading commands are for everyone; commands that change a chat
(subscribe, unsubscribe, schedule, lang) need `gate.is_admin` in groups and channels
(private chats: always allowed). A managed target (`@channel`, `<#123>`) is resolved with
`gate.resolve_target`, which itself checks that the user administers it.

Layout, one module per group of commands (find a command by its file name):

- base.py: `CommandLimits`, the command tables (aliases, known commands) and
  `CommandBase`, the state every command shares and the helpers they use (reply
  language, target resolution and the admin check, loading a chat for a change);
- subscriptions.py: /topics, /subscribe, /unsubscribe, /exclude, /include, /mysubs;
- reading.py: /digest, /latest, /top, /summary;
- sources.py: /feeds, /addfeed, /removefeed, /myfeeds, /import, /export and the owner's
  commands (/stats, /feeds disable|enable|quota, Discord's /news owner);
- chat_settings.py: /schedule, /health, /images, /lang;
- service.py: `CommandService` (dispatch, the buttons' entry points, /start, /help).

Mechanism: each group is a mixin class over `CommandBase` and `CommandService` inherits
them all. Why not handler objects the service owns: every command needs the same
helpers and shared state (the chat's reply language, `_target`, `_load_for_change`, the
planner, the /summary cooldown table), and dispatch finds a command as the method
`_cmd_<name>` of the service. Mixins keep each command a method with the same signature
and the same `self`, so the split moved code without changing it; handler objects would
each need the helpers passed in or reach back into the service. Imports go one way only:
base <- the groups <- service <- this package; no group imports another.

Every name callers imported from the old module bot/commands.py is re-exported here.
"""

from bot.command_args import (
    BadArgument,
    ScheduleRequest,
    SubscriptionTerms,
    clean_keyword,
    is_target_ref,
    parse_count,
    parse_schedule,
    parse_subscription_terms,
    parse_time,
    parse_timezone,
    parse_url,
    split_targets,
    western_digits,
)
from bot.commands.base import (
    CHANGING_COMMANDS,
    COMMAND_ALIASES,
    IMAGES_OFF,
    IMAGES_ON,
    KNOWN_COMMANDS,
    CommandBase,
    CommandLimits,
    SummarizeUrl,
    command_prefix,
    shown_name,
)
from bot.commands.chat_settings import ChatSettingsCommands
from bot.commands.reading import ReadingCommands, latest_by_story
from bot.commands.service import CommandService, TopicPanel
from bot.commands.sources import SourceCommands
from bot.commands.subscriptions import MAX_LISTED_TOPICS, SubscriptionCommands

__all__ = [
    "CHANGING_COMMANDS",
    "COMMAND_ALIASES",
    "IMAGES_OFF",
    "IMAGES_ON",
    "KNOWN_COMMANDS",
    "MAX_LISTED_TOPICS",
    "BadArgument",
    "ChatSettingsCommands",
    "CommandBase",
    "CommandLimits",
    "CommandService",
    "ReadingCommands",
    "ScheduleRequest",
    "SourceCommands",
    "SubscriptionCommands",
    "SubscriptionTerms",
    "SummarizeUrl",
    "TopicPanel",
    "clean_keyword",
    "command_prefix",
    "is_target_ref",
    "latest_by_story",
    "parse_count",
    "parse_schedule",
    "parse_subscription_terms",
    "parse_time",
    "parse_timezone",
    "parse_url",
    "shown_name",
    "split_targets",
    "western_digits",
]
