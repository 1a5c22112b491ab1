"""The project's YAML files as the tests read them: parsed once per process, by libyaml where it is installed.

The model and semantic YAML is read by several test files, some of them at collection (parametrisation) in
every pytest-xdist worker; PyYAML's pure-Python parser takes about 1.4 s for it, libyaml's a tenth of that.
The same documents either way (both are YAML 1.1 safe loaders)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def _load(path: Path, modified_ns: int) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)


def load_yaml(path: Path | str) -> Any:
    """The document in `path` (None for an empty file). Callers must not change what it returns: it is shared."""
    resolved = Path(path).resolve()
    return _load(resolved, resolved.stat().st_mtime_ns)
