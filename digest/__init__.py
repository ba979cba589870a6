"""newsdigest core: platform-neutral pipeline from feeds to summarised stories.

Nothing in this package imports telegram, discord or apscheduler; the runtime in
``bot/`` composes these parts (see ``bot.bootstrap``).
"""

__version__ = "0.1.0"
