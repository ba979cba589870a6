"""A regular (non-editable) install carries the default data in config/: built as a
real wheel, installed into a throwaway directory and run outside the source tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from digest.defaults import config_dir

ROOT = Path(__file__).resolve().parent.parent


def test_the_source_tree_uses_its_own_config_dir() -> None:
    assert config_dir() == ROOT / "config"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    # build from a copy: setuptools writes build/ and *.egg-info beside the sources
    source = work / "source"
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("bot", "digest", "config"):
        shutil.copytree(ROOT / name, source / name, ignore=skip)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip"]
    dist = work / "dist"
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("newsdigest-*.whl")
    target = work / "site"
    subprocess.run(
        [*pip, "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    return target


def _run_installed(target: Path, cwd: Path, code: str) -> subprocess.CompletedProcess[str]:
    # -S: no site-packages .pth files, so the editable install of this checkout is not
    # on the path; the installed copy comes first, the dependencies after it
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(cwd),
        "XDG_DATA_HOME": str(cwd / "data"),
        "PYTHONPATH": os.pathsep.join([str(target), sysconfig.get_paths()["purelib"]]),
    }
    return subprocess.run(
        [sys.executable, "-S", "-c", code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_installed_wheel_finds_its_defaults_and_runs_the_demo(
    installed: Path, tmp_path: Path
) -> None:
    code = (
        "import sys\n"
        "import bot, digest.defaults\n"
        "print(bot.__file__)\n"
        "print(digest.defaults.config_dir())\n"
        "from bot.cli import main\n"
        "sys.exit(main(['demo']))\n"
    )
    result = _run_installed(installed, tmp_path, code)
    assert result.returncode == 0, result.stderr
    module, config, *digest = result.stdout.splitlines()
    assert Path(module).is_relative_to(installed)
    assert Path(config) == installed / "newsdigest_config"
    for name in ("feeds.yaml", "topics.yaml", "settings.example.yaml", "samples/seed.xml"):
        assert (Path(config) / name).is_file(), name
    # the bundled seed article, summarised: the demo read the installed sample feed
    assert any("DeepSeek" in line for line in digest)
    assert sum(line.startswith("\u200f•") for line in digest) >= 3


def test_the_installed_wheel_holds_every_module_and_default_file(installed: Path) -> None:
    # pyproject.toml lists the packages by hand (config/ is mapped to another name): a
    # new subpackage missing from that list would be missing from every install
    for package in ("bot", "digest"):
        for module in (ROOT / package).rglob("*.py"):
            assert (installed / module.relative_to(ROOT)).is_file(), module
    # the trained data the digest package reads (pyproject's package-data patterns): a
    # file whose name no pattern matches would be missing from every install
    for data in (ROOT / "digest" / "data").iterdir():
        if data.is_file():
            assert (installed / data.relative_to(ROOT)).is_file(), data
    for default in (ROOT / "config").rglob("*"):
        if default.is_file():
            relative = default.relative_to(ROOT / "config")
            assert (installed / "newsdigest_config" / relative).is_file(), default
