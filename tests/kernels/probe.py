"""Run in a child process under forced CPU kernels: print what must not depend on the CPU, as JSON.

``python tests/kernels/probe.py member`` hashes ensemble member 1's regenerated tables;
``python tests/kernels/probe.py report WAREHOUSE`` hashes what the report publishes from a warehouse
(its HTML without the time it was written, its CSVs and its figures); ``python tests/kernels/probe.py both
WAREHOUSE`` does the two in one process (one start and one import of the libraries instead of two) and prints
``{"member": …, "report": …}``; ``python tests/kernels/probe.py all WAREHOUSE TEST_FILE…`` also runs those test
files with pytest in the same process (``"cross_checks"``: their exit code and output). ``kernels`` is printed
with each, so the parent can check that the forced kernels were really in force.
"""

from __future__ import annotations

import ctypes
import glob
import hashlib
import json
import os
import re
import sys
import tempfile
from pathlib import Path


def kernels() -> dict[str, object]:
    import numpy as np
    from numpy._core._multiarray_umath import __cpu_features__

    libs = glob.glob(os.path.join(os.path.dirname(np.__file__) + ".libs", "libscipy_openblas*.so"))
    corename = None
    if libs:
        lib = ctypes.CDLL(libs[0])
        for symbol in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename", "openblas_get_corename"):
            if hasattr(lib, symbol):
                function = getattr(lib, symbol)
                function.restype = ctypes.c_char_p
                corename = function().decode()
                break
    return {"openblas_core": corename, "numpy_features_on": sorted(k for k, v in __cpu_features__.items() if v)}


def member() -> dict[str, str]:
    from reference_data.ensemble import BASE_SEED, member_tables
    from reference_data.generate import write_tables
    from reference_data.paths import default_paths

    frames, _ = member_tables(default_paths(), 1, BASE_SEED + 1)
    with tempfile.TemporaryDirectory() as folder:
        written = write_tables(frames, Path(folder))
        return {code: hashlib.sha256(path.read_bytes()).hexdigest() for code, path in written.items()}


_WRITTEN_AT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})? UTC")


def report(warehouse: Path) -> dict[str, str]:
    from analysis.marts import load_marts
    from analysis.report.content import analyse
    from analysis.report.page import write_report
    from claims.replication import DEFAULT_CLAIMS, load_claims

    content = analyse(load_marts(warehouse), load_claims(DEFAULT_CLAIMS), warehouse.name)
    with tempfile.TemporaryDirectory() as folder:
        write_report(content, Path(folder))
        hashes = {}
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                data = path.read_bytes()
                if path.suffix == ".html":
                    data = _WRITTEN_AT.sub("<time>", data.decode()).encode()
                hashes[path.relative_to(folder).as_posix()] = hashlib.sha256(data).hexdigest()
        return hashes


def cross_checks(paths: list[str]) -> dict[str, object]:
    """Run test files with pytest in this process (its kernels); their exit code and the tail of their output."""
    import contextlib
    import io

    import pytest

    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        code = pytest.main(["-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:randomly", *paths])
    return {"exit_code": int(code), "output": output.getvalue()[-4000:]}


if __name__ == "__main__":
    job = sys.argv[1]
    if job == "all":
        # One start and one import of the libraries for the three checks of one setting.
        result: dict = {"member": member(), "report": report(Path(sys.argv[2])),
                        "cross_checks": cross_checks(sys.argv[3:])}
    elif job == "both":
        result = {"member": member(), "report": report(Path(sys.argv[2]))}
    else:
        result = member() if job == "member" else report(Path(sys.argv[2]))
    print(json.dumps({"kernels": kernels(), "result": result}))
