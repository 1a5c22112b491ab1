"""Measuring helpers shared by the benchmarks: run a child process and read its wall time, CPU time and
peak memory from the kernel (os.wait4), and alternate two sides so that both see the same machine load.

Every benchmark prints a ratio against a peer measured in the same run; seconds are printed beside it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent

# Every child runs as make runs it (Makefile, BYTECODE_CACHE): compiled imports kept in the environment's
# pycache even where PYTHONDONTWRITEBYTECODE is set, as on this machine. A benchmark started from such a shell
# otherwise measured each dbt start compiling its imports again (the build floor: 16.1 s instead of 11.5 s).
if "PYTHONPYCACHEPREFIX" not in os.environ:
    os.environ["PYTHONPYCACHEPREFIX"] = str(VENV_BIN.parent / "pycache")
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


@dataclass(frozen=True)
class Sample:
    wall_s: float
    cpu_s: float
    peak_rss_mb: float


def dbt_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DO_NOT_TRACK": "1",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
            "DBT_PROFILES_DIR": str(REPO_ROOT),
            "PYTHONPATH": str(REPO_ROOT / "python"),
        }
    )
    env.update(extra or {})
    return env


TIME = Path("/usr/bin/time")


def run_child(command: Sequence[str], env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Sample:
    """Runs the command to completion; raises with its output when it fails.

    Peak memory comes from GNU time (`%M`) when it is installed: the kernel's ru_maxrss of a child forked
    from this process also counts this process's own pages at the fork, which would hide the child's peak.
    """
    with tempfile.NamedTemporaryFile(prefix="peak_", suffix=".txt") as peak_file:
        wrapped = [str(TIME), "-f", "%M", "-o", peak_file.name, *command] if TIME.exists() else list(command)
        started = time.perf_counter()
        process = subprocess.Popen(
            wrapped, env=dict(env) if env else None, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        assert process.stdout is not None
        output = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            tail = output.decode(errors="replace")[-4000:]
            raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{tail}")
        lines = Path(peak_file.name).read_text().split() if TIME.exists() else []
        peak_kb = float(lines[-1]) if lines else float(usage.ru_maxrss)  # both in kilobytes on Linux
    return Sample(wall, usage.ru_utime + usage.ru_stime, peak_kb / 1024)


def alternate(sides: Mapping[str, Callable[[], Sample]], pairs: int, warmup: bool = True) -> dict[str, list[Sample]]:
    """Runs every side once to warm caches (discarded), then `pairs` rounds A B A B …, so that a change in the
    machine's load hits both sides alike."""
    if warmup:
        for measure in sides.values():
            measure()
    samples: dict[str, list[Sample]] = {name: [] for name in sides}
    for round_number in range(pairs):
        order = list(sides.items())
        for name, measure in order:
            samples[name].append(measure())
            print(f"  round {round_number + 1}/{pairs} {name}: {samples[name][-1].wall_s:.2f} s", file=sys.stderr)
    return samples


def median_sample(samples: Sequence[Sample]) -> Sample:
    return Sample(
        statistics.median(s.wall_s for s in samples),
        statistics.median(s.cpu_s for s in samples),
        max(s.peak_rss_mb for s in samples),
    )


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else float("inf")


def verdict(met: bool) -> str:
    """How a benchmark prints a goal's outcome."""
    return "met" if met else "MISSED"


def print_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for index, row in enumerate(cells):
        print(
            "  ".join(
                cell.rjust(width) if i else cell.ljust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            )
        )
        if index == 0:
            print("  ".join("-" * width for width in widths))


@dataclass(frozen=True)
class TimedOutput:
    """A child's sample and its output, each line with the seconds since the start at which it arrived."""

    sample: Sample
    lines: list[tuple[float, str]]

    def longest_silence(self) -> tuple[float, str]:
        """The longest time without a line (start and end included), and the line that ended it."""
        longest, after, last = 0.0, "(start)", 0.0
        for seconds, line in [*self.lines, (self.sample.wall_s, "(end)")]:
            if seconds - last > longest:
                longest, after = seconds - last, line
            last = seconds
        return longest, after

    def first(self, marker: str) -> float | None:
        """Seconds at which the first line containing ``marker`` arrived."""
        return next((seconds for seconds, line in self.lines if marker in line), None)

    def has(self, marker: str) -> bool:
        return self.first(marker) is not None


def run_timed_lines(
    command: Sequence[str], env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> TimedOutput:
    """Runs the command to completion, timing each line of its output (stdout and stderr together) as it
    arrives; raises with its output when it fails."""
    started = time.perf_counter()
    process = subprocess.Popen(
        list(command), env=dict(env) if env else None, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert process.stdout is not None
    lines = [(time.perf_counter() - started, raw.decode(errors="replace").rstrip("\n")) for raw in process.stdout]
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = "\n".join(line for _, line in lines[-60:])
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{tail}")
    return TimedOutput(Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024), lines)
