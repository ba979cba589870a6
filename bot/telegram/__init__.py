"""Telegram adapter: python-telegram-bot on one side, bot.chat types on the other.

* `sender.TelegramSender` sends rendered HTML messages and translates telegram.error into
  the digest.errors DeliveryError family (what the caller does next: wait, pause, migrate...).
* `gate.TelegramGate` answers the PlatformGate questions (admin checks, channel targets).
* `render` splits and renders replies; `app.TelegramBot` runs the PTB Application.

Every Bot API address is configurable (`api_base_url`) so that a self-hosted Bot API
server, or the fake one the tests start on 127.0.0.1, can stand in for api.telegram.org.
The bot token is never written to logs or exception messages: PTB and httpx log request
URLs that contain it, so a `TokenRedactor` filter rewrites those records.

The package is named after the platform; inside it ``import telegram`` still means the
python-telegram-bot library (absolute imports).
"""
