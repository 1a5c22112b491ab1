"""The project's version, defined once in pyproject.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def project_version(path: Path = PYPROJECT) -> str:
    """``[project] version`` of pyproject.toml, e.g. ``0.1.0``."""
    with path.open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])
