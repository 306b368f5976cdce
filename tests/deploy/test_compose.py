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


def compose_config(tmp_path: Path, *, example_env: bool = True) -> subprocess.CompletedProcess[str]:
    """`docker compose config` on docker-compose.yml, with .env.example as the .env (or none)."""
    env_args: list[str] = []
    if example_env:
        env = tmp_path / ".env"
        env.write_text((ROOT / ".env.example").read_text())
        env_args = ["--env-file", str(env)]
    command = [*compose_command(), "--project-directory", str(tmp_path), *env_args]
    command += ["-f", str(ROOT / "docker-compose.yml"), "config"]
    return subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)


def test_compose_file_is_valid_with_secrets(tmp_path: Path) -> None:
    result = compose_config(tmp_path)
    assert result.returncode == 0, result.stderr
    for service in ("postgres", "elasticsearch", "api", "worker"):
        assert f"  {service}:" in result.stdout
    assert (
        "xpack.security.enabled: 'true'" in result.stdout or 'xpack.security.enabled: "true"' in result.stdout
    )


def test_compose_refuses_missing_passwords(tmp_path: Path) -> None:
    result = compose_config(tmp_path, example_env=False)
    assert result.returncode != 0
    assert "POSTGRES_PASSWORD" in result.stderr or "ELASTIC_PASSWORD" in result.stderr
