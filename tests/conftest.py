"""Shared fixtures. Paths to the shared corpora live beside the repository root."""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from digest.topics import LexiconClassifier, TopicCatalog, default_topics_path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="module")
def classifier() -> LexiconClassifier:
    """The catalogue's lexicon rules alone (no relevance or tag acceptance model), as the
    topic rule tests (tests/test_topics_*.py) read them; a file that needs another classifier
    defines its own `classifier` fixture, which takes precedence."""
    return LexiconClassifier(TopicCatalog.load(default_topics_path()))


def tags(classifier: LexiconClassifier, title: str, text: str) -> list[str]:
    """The slugs of the topics `classifier` gives an article, in order."""
    return [match.topic for match in classifier.classify(title, text)]


_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def _loopback_only(real):  # type: ignore[no-untyped-def]
    """socket.getaddrinfo that resolves loopback names and IP literals only: tests talk to
    127.0.0.1 and nothing else. A test that would reach a real host (a default feed list,
    a URL in a fixture) gets the error an offline machine gives, on every machine."""

    def getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and name.lower().rstrip(".") not in _LOOPBACK_NAMES:
            try:
                ipaddress.ip_address(name.split("%", 1)[0])
            except ValueError:
                raise socket.gaierror(
                    socket.EAI_NONAME, f"tests resolve loopback names only, not {name!r}"
                ) from None
        return real(host, *args, **kwargs)

    return getaddrinfo


@pytest.fixture(autouse=True)
def _no_network_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", _loopback_only(socket.getaddrinfo))


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """The CLI configures process-wide logging (handlers, the httpx level); give every
    test the logging it started with, so tests do not depend on their order."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {
        name: logger.level
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, logger in logging.root.manager.loggerDict.items():
        if isinstance(logger, logging.Logger):
            logger.setLevel(levels.get(name, logging.NOTSET))


@pytest.fixture(autouse=True)
def _private_user_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every command reads the settings `newsdigest init` wrote in the user data folder
    when no --config is given: a test must never pick up the machine's own."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))
