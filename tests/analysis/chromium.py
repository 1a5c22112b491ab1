"""scripts/measure_report.py as a module for the layout tests: it finds and runs headless Chromium."""

from __future__ import annotations

import importlib.util

from ..conftest import REPO_ROOT

_spec = importlib.util.spec_from_file_location("measure_report", REPO_ROOT / "scripts" / "measure_report.py")
assert _spec is not None and _spec.loader is not None
measure_report = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(measure_report)
