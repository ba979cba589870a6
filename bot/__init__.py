"""newsdigest runtime: settings, composition root, scheduler, chat commands and adapters."""
