"""Where the bundled default data (feeds, topics, settings example) lives."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_SOURCE_CONFIG = Path(__file__).resolve().parent.parent / "config"
_INSTALLED_PACKAGE = "newsdigest_config"  # config/ as a wheel installs it (pyproject.toml)


def config_dir() -> Path:
    """`config/` of the source tree (a checkout or an editable install), else the copy a
    regular install puts in the data-only package ``newsdigest_config``. Raises
    FileNotFoundError when neither exists (a broken install)."""
    if (_SOURCE_CONFIG / "topics.yaml").is_file():
        return _SOURCE_CONFIG
    spec = importlib.util.find_spec(_INSTALLED_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        if (Path(location) / "topics.yaml").is_file():
            return Path(location)
    raise FileNotFoundError(
        f"newsdigest's default data is missing: neither {_SOURCE_CONFIG} nor an installed "
        f"{_INSTALLED_PACKAGE} package holds topics.yaml; reinstall newsdigest"
    )
