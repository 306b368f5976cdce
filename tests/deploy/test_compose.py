"""docker-compose.yml is valid and refuses to start without secrets.

Docker cannot run containers on the machines that build Faldone, so the file is
checked with `docker compose config` (or the standalone `docker-compose`), which
parses, interpolates and validates it without an engine.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]


def compose_command() -> list[str]:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    standalone = shutil.which("docker-compose")
    if standalone:
        return [standalone]
    if IN_CI:
        pytest.fail("neither `docker compose` nor `docker-compose` is installed")
    pytest.skip("no docker compose")


def test_compose_file_is_valid_with_secrets(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text((ROOT / ".env.example").read_text())
    result = subprocess.run(
        [
            *compose_command(),
            "--project-directory",
            str(tmp_path),
            "--env-file",
            str(env),
            "-f",
            str(ROOT / "docker-compose.yml"),
            "config",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    for service in ("postgres", "elasticsearch", "api", "worker"):
        assert f"  {service}:" in result.stdout
    assert (
        "xpack.security.enabled: 'true'" in result.stdout or 'xpack.security.enabled: "true"' in result.stdout
    )


def test_compose_refuses_missing_passwords(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            *compose_command(),
            "--project-directory",
            str(tmp_path),
            "-f",
            str(ROOT / "docker-compose.yml"),
            "config",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "POSTGRES_PASSWORD" in result.stderr or "ELASTIC_PASSWORD" in result.stderr
