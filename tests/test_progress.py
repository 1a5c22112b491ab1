"""A silent step of the build says what it is doing (warehouse.progress)."""

from __future__ import annotations

import sys

from warehouse.progress import phase_of, run_with_heartbeat


def test_output_passes_through_and_silence_is_announced() -> None:
    lines: list[str] = []
    script = (
        "import time; print('Unable to do partial parsing. Starting full parse.', flush=True); "
        "time.sleep(2.6); print('Found 60 models', flush=True)"
    )
    code = run_with_heartbeat([sys.executable, "-c", script], "build", quiet_seconds=1.0, write=lines.append)
    assert code == 0
    assert lines[0].startswith("Unable to do partial parsing") and lines[-1] == "Found 60 models\n"
    beats = [line for line in lines if line.startswith("==> [build] still parsing the project (")]
    assert 1 <= len(beats) <= 3, lines


def test_the_exit_code_is_returned_and_stderr_is_kept() -> None:
    lines: list[str] = []
    script = "import sys; sys.stderr.write('Compilation Error\\n'); sys.exit(2)"
    assert run_with_heartbeat([sys.executable, "-c", script], "build", write=lines.append) == 2
    assert lines == ["Compilation Error\n"]


def test_phase_names_the_node_dbt_runs() -> None:
    line = "02:11:14  22 of 148 START test stg_ensemble__members_row_rules ........ [RUN]"
    assert phase_of(line) == "running test stg_ensemble__members_row_rules"
    assert phase_of("Registered adapter: duckdb=1.11.1") == "working"


def test_steps_announce_each_stage_and_repeat_a_silent_one() -> None:
    import time

    from warehouse.progress import Steps

    lines: list[str] = []
    with Steps("analysis", quiet_seconds=0.6, write=lines.append) as step:
        step("causal designs")
        time.sleep(1.5)
        step("figures")
    assert lines[0] == "==> [analysis] causal designs\n" and lines[-1] == "==> [analysis] figures\n"
    assert any(line.startswith("==> [analysis] still causal designs (") for line in lines[1:-1]), lines


def test_the_command_line_wraps_a_command_and_keeps_its_exit_code() -> None:
    import subprocess

    script = "import time; time.sleep(1.6); print('done', flush=True); raise SystemExit(3)"
    env_python = [sys.executable, "-c", script]
    probe = (
        "import sys; from warehouse import progress; progress.QUIET_SECONDS = 0.5; "
        f"sys.exit(progress.main(['analysis', '--', *{env_python!r}]))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert result.returncode == 3, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "done" and any(line.startswith("==> [analysis] still working (") for line in lines), lines
    usage = subprocess.run([sys.executable, "-m", "warehouse.progress", "x"], capture_output=True, text=True)
    assert usage.returncode == 2 and "usage" in usage.stderr
