"""The shape of every text table: key -> {"ar": ..., "en": ...}, read-only."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType


def text_table(**entries: tuple[str, str]) -> Mapping[str, Mapping[str, str]]:
    return MappingProxyType(
        {key: MappingProxyType({"ar": ar, "en": en}) for key, (ar, en) in entries.items()}
    )
