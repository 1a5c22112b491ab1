"""What is promised byte for byte comes out the same under other CPUs' kernels.

A CPU without AVX-512 (an AMD EPYC of 2020, say) or without AVX2 makes NumPy pick other SIMD kernels
and OpenBLAS other BLAS kernels; the last bit of a float can differ, and a rounding or a tie can flip.
Each check runs in a child process under forced kernels, and must give the bytes the default kernels give:
ensemble member 1's regenerated tables (whose hashes are committed), what the report publishes from the
session's warehouse, and the estimators' cross-checks against other packages.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("probe.py")


def _numpy_dispatch() -> list[str]:
    from numpy._core._multiarray_umath import __cpu_dispatch__

    return list(__cpu_dispatch__)


def _settings() -> dict[str, dict[str, str]]:
    """Kernel settings by name: the defaults, and AVX-512 then AVX2 turned off in NumPy and OpenBLAS."""
    dispatch = _numpy_dispatch()
    avx512 = [name for name in dispatch if name.startswith("AVX512") or name == "X86_V4"]
    avx2 = [name for name in dispatch if name in ("X86_V3", "AVX2", "FMA3")]
    return {
        "default": {},
        "no_avx512": {"OPENBLAS_CORETYPE": "Haswell", "NPY_DISABLE_CPU_FEATURES": ",".join(avx512)},
        "no_avx2": {"OPENBLAS_CORETYPE": "Sandybridge", "NPY_DISABLE_CPU_FEATURES": ",".join(avx512 + avx2)},
    }


SETTINGS = _settings()


def _env(setting: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES")}
    env["PYTHONPATH"] = str(ROOT / "python")
    env.update(SETTINGS[setting])
    return env


def _probe(setting: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, str(PROBE), *args], env=_env(setting), cwd=ROOT, capture_output=True,
                          text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    output = json.loads(done.stdout.strip().splitlines()[-1])
    disabled = set(SETTINGS[setting].get("NPY_DISABLE_CPU_FEATURES", "").split(",")) - {""}
    assert not disabled & set(output["kernels"]["numpy_features_on"]), f"{setting}: NumPy kept {disabled}"
    if "OPENBLAS_CORETYPE" in SETTINGS[setting] and output["kernels"]["openblas_core"] is not None:
        assert output["kernels"]["openblas_core"].lower() == SETTINGS[setting]["OPENBLAS_CORETYPE"].lower()
    return output["result"]


FORCED = [s for s in sorted(SETTINGS) if s != "default"]


@pytest.fixture(scope="module")
def default_report(built_warehouse: Path) -> dict[str, str]:
    return _probe("default", "report", str(built_warehouse))


@pytest.fixture(scope="module")
def forced_probes() -> dict[str, dict]:
    """Per forced setting, the member's hashes, the report's and the cross-checks' outcome, from one child process
    (started once, when the first test below needs that setting)."""
    return {}


def _forced(probes: dict[str, dict], setting: str, warehouse: Path) -> dict:
    if setting not in probes:
        probes[setting] = _probe(setting, "all", str(warehouse), *CROSS_CHECKS)
    return probes[setting]


@pytest.mark.parametrize("setting", FORCED)
def test_ensemble_member_tables_are_the_committed_bytes_under_every_kernel(setting, built_warehouse, forced_probes):
    recorded = pd.read_csv(ROOT / "data" / "reference" / "ensemble" / "member_tables_sha256.csv")
    recorded = recorded[recorded.member_id == 1].set_index("table_code").sha256.to_dict()
    assert _forced(forced_probes, setting, built_warehouse)["member"] == recorded


@pytest.mark.parametrize("setting", FORCED)
def test_the_report_publishes_the_same_bytes_under_every_kernel(setting, built_warehouse, default_report,
                                                                 forced_probes):
    assert set(default_report) >= {"index.html", "replication.csv", "contradictions.csv"}
    assert _forced(forced_probes, setting, built_warehouse)["report"] == default_report


# The cross-checks of the estimators against other packages (wildboottest, statsmodels, brute force):
# each compares values within tolerances and counts ties by one rule, so no kernel may change a verdict.
CROSS_CHECKS = ["tests/analysis/test_inference.py", "tests/analysis/test_permutation.py"]


@pytest.mark.parametrize("setting", FORCED)
def test_estimator_cross_checks_pass_under_forced_kernels(setting, built_warehouse, forced_probes):
    checks = _forced(forced_probes, setting, built_warehouse)["cross_checks"]
    assert checks["exit_code"] == 0, checks["output"]
    assert re.search(r"\b\d+ passed\b", checks["output"]) and " skipped" not in checks["output"], checks["output"]
