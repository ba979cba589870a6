"""The deploy files: contrib/install.sh really installs a working `newsdigest` (the
Dockerfile's only install step), the systemd unit passes `systemd-analyze verify`
against that install, and compose.yaml / .env.example / the Dockerfile say what the
README promises. No image registry is reachable here, so the image itself is not built."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """contrib/install.sh run on a copy of the checkout (as `COPY . /src` does)."""
    work = tmp_path_factory.mktemp("deploy")
    source = work / "src"
    skip = shutil.ignore_patterns(
        ".git", ".venv", "__pycache__", "*.pyc", ".*_cache", "*.egg-info", "build"
    )
    shutil.copytree(ROOT, source, ignore=skip)
    prefix = work / "opt"
    done = subprocess.run(
        ["sh", str(source / "contrib/install.sh"), str(prefix), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert f"newsdigest installed in {prefix}" in done.stdout
    return prefix


def test_install_script_gives_a_working_command_outside_the_checkout(
    installed: Path, tmp_path: Path
) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path)}
    demo = subprocess.run(
        [str(installed / "bin/newsdigest"), "demo"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert demo.returncode == 0, demo.stderr
    assert "DeepSeek" in demo.stdout  # the seed article, from the installed package data
    # the HEALTHCHECK command: nothing listens on this port, so "unhealthy" (exit 1)
    health = subprocess.run(
        [str(installed / "bin/newsdigest"), "health", "--url", "http://127.0.0.1:9/healthz"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert health.returncode == 1 and "unreachable" in health.stderr
    # the PostgreSQL driver is part of the install (compose.yaml uses postgresql+psycopg)
    check = subprocess.run(
        [str(installed / "bin/python"), "-c", "import psycopg"], capture_output=True, timeout=60
    )
    assert check.returncode == 0, check.stderr


def test_install_script_refuses_a_used_folder(tmp_path: Path) -> None:
    (tmp_path / "something").write_text("x")
    done = subprocess.run(
        ["sh", str(ROOT / "contrib/install.sh"), str(tmp_path)], capture_output=True, text=True
    )
    assert done.returncode == 2 and "not empty" in done.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_unit_verifies_against_the_real_install(installed: Path, tmp_path: Path) -> None:
    text = (ROOT / "contrib/newsdigest.service").read_text(encoding="utf-8")
    assert "ExecStart=/opt/newsdigest/bin/newsdigest run" in text
    # verify checks that ExecStart exists: point it at the install made above
    unit = tmp_path / "newsdigest.service"
    unit.write_text(text.replace("/opt/newsdigest", str(installed)), encoding="utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr  # no warnings either


def test_systemd_unit_runs_as_its_own_user_hardened() -> None:
    keys = _unit_keys((ROOT / "contrib/newsdigest.service").read_text(encoding="utf-8"))
    assert keys["User"] == ["newsdigest"]
    assert keys["EnvironmentFile"] == ["/etc/newsdigest/newsdigest.env"]
    assert keys["Restart"] == ["on-failure"]
    for option in ("ProtectSystem=strict", "NoNewPrivileges=yes", "ProtectHome=yes"):
        name, value = option.split("=")
        assert keys[name] == [value]


def _unit_keys(text: str) -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            name, value = line.split("=", 1)
            keys.setdefault(name, []).append(value)
    return keys


def test_compose_runs_the_bot_after_a_healthy_database_with_secrets_from_env() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    db, bot = compose["services"]["db"], compose["services"]["bot"]
    assert (
        db["healthcheck"]["test"][0] == "CMD-SHELL" and "pg_isready" in db["healthcheck"]["test"][1]
    )
    assert any(v.startswith("db-data:") for v in db["volumes"])
    assert bot["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert bot["env_file"] == ".env" and bot["build"] == "."
    assert bot["environment"]["NEWSDIGEST_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert set(compose["volumes"]) == {"db-data", "bot-data"}
    # secrets stay out of git and out of the image
    assert ".env" in (ROOT / ".gitignore").read_text().split()
    assert ".env" in (ROOT / ".dockerignore").read_text().split()


def test_env_example_documents_every_variable_the_code_reads() -> None:
    read = set()
    for folder in ("bot", "digest"):
        for path in (ROOT / folder).rglob("*.py"):
            read |= set(re.findall(r"NEWSDIGEST_[A-Z_]*[A-Z]", path.read_text(encoding="utf-8")))
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#? ?(NEWSDIGEST_[A-Z_]+)=", example, re.MULTILINE))
    assert read and read <= documented, sorted(read - documented)
    # tokens are placeholders, never values
    assert re.search(r"^NEWSDIGEST_TELEGRAM_TOKEN=$", example, re.MULTILINE)
    assert "POSTGRES_PASSWORD" in example


def test_dockerfile_installs_with_the_script_and_checks_health_as_non_root() -> None:
    lines = [
        line.strip()
        for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert lines[0].startswith("FROM python:3.") and lines[0].endswith("-slim")
    assert any(line.startswith("RUN sh /tmp/newsdigest-src/contrib/install.sh") for line in lines)
    users = [line for line in lines if line.startswith("USER ")]
    assert users == ["USER newsdigest"]
    assert lines.index(users[0]) < lines.index('CMD ["newsdigest", "run"]')
    assert 'CMD ["newsdigest", "health", "--timeout", "5"]' in lines
    assert os.access(ROOT / "contrib/install.sh", os.X_OK)
