"""Run a command and pass its output through, saying what it is doing whenever it falls silent.

dbt prints nothing while it parses a project (10-20 s on a first build, longer on a loaded machine) or runs
a slow node; a reader of the build's output should never wait more than :data:`QUIET_SECONDS` without a line.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

# Below the promise (no step of `make build` silent for more than 10 s): a beat is due after 8 s and is written
# within the next second (the watcher's poll), on a loaded machine a little later.
QUIET_SECONDS = 8.0


def phase_of(line: str) -> str:
    """What dbt is doing, judged from the last line it printed."""
    text = line.strip()
    if "parse" in text.lower():
        return "parsing the project"
    if " START " in text:
        return "running " + text.split(" START ", 1)[1].split("..", 1)[0].strip()
    if "Found " in text or "Concurrency" in text:
        return "preparing the run"
    return "working"


def run_with_heartbeat(
    command: Sequence[str],
    label: str,
    quiet_seconds: float = QUIET_SECONDS,
    write: Callable[[str], Any] = sys.stdout.write,
    **popen: Any,
) -> int:
    """Run ``command``, copy each line of its output (stdout and stderr together) to ``write``, and after
    every ``quiet_seconds`` without a line write ``==> [label] still <phase> (N s)``. Return the exit code."""
    process = subprocess.Popen(
        list(command), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1, **popen
    )
    assert process.stdout is not None
    lock = threading.Lock()
    started = time.monotonic()
    state: dict[str, Any] = {"last": started, "line": ""}
    finished = threading.Event()

    def heartbeat() -> None:
        while not finished.wait(1.0):
            with lock:
                quiet = time.monotonic() - float(state["last"])
                if quiet >= quiet_seconds:
                    elapsed = time.monotonic() - started
                    write(f"==> [{label}] still {phase_of(str(state['line']))} ({elapsed:.0f} s)\n")
                    flush()
                    state["last"] = time.monotonic()

    def flush() -> None:
        stream = getattr(write, "__self__", None)
        if stream is not None and hasattr(stream, "flush"):
            stream.flush()

    watcher = threading.Thread(target=heartbeat, daemon=True)
    watcher.start()
    try:
        for line in process.stdout:
            with lock:
                write(line)
                flush()
                state["last"] = time.monotonic()
                state["line"] = line
        return process.wait()
    finally:
        finished.set()
        watcher.join()
        if process.poll() is None:
            process.kill()
            process.wait()


class Steps:
    """Announce each step of a long in-process job, and repeat what it is doing while a step stays silent.

    ``with Steps("analysis") as step: step("causal designs"); ...`` prints ``==> [analysis] causal designs``
    and, every ``quiet_seconds`` the step takes, ``==> [analysis] still causal designs (N s)``.
    """

    def __init__(
        self, label: str, quiet_seconds: float = QUIET_SECONDS, write: Callable[[str], Any] = sys.stdout.write
    ) -> None:
        self.label, self.quiet_seconds, self._write = label, quiet_seconds, write
        self._current = ""
        self._since = time.monotonic()
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._watcher = threading.Thread(target=self._beat, daemon=True)

    def _emit(self, text: str) -> None:
        self._write(f"==> [{self.label}] {text}\n")
        stream = getattr(self._write, "__self__", None)
        if stream is not None and hasattr(stream, "flush"):
            stream.flush()

    def _beat(self) -> None:
        last = time.monotonic()
        while not self._finished.wait(0.5):
            with self._lock:
                now = time.monotonic()
                if self._current and now - max(last, self._since) >= self.quiet_seconds:
                    self._emit(f"still {self._current} ({now - self._since:.0f} s)")
                    last = now

    def __call__(self, step: str) -> None:
        with self._lock:
            self._current, self._since = step, time.monotonic()
            self._emit(step)

    def __enter__(self) -> Steps:
        self._watcher.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._finished.set()
        self._watcher.join()


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m warehouse.progress LABEL -- COMMAND ...``: run COMMAND, its output passed through, with a
    line whenever it falls silent (e.g. while a Python program imports pandas and matplotlib, before it
    prints its first step). Standard library only, so it runs before the packages are installed."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 3 or args[1] != "--":
        print("usage: python -m warehouse.progress LABEL -- COMMAND [ARGS ...]", file=sys.stderr)
        return 2
    # A Python child writing into the pipe would hold its lines in a buffer until it ends.
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return run_with_heartbeat(args[2:], args[0], quiet_seconds=QUIET_SECONDS, env=env)


if __name__ == "__main__":
    raise SystemExit(main())
