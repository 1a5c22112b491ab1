"""Measure a report page as a reader's browser lays it out: height, widest element, elements past the window.

    python scripts/measure_report.py report/index.html [--width 1280] [--open-all] [--screenshot out.png]

Runs headless Chromium (``chromium --headless --dump-dom``) on a copy of the page with a script that, after
layout, writes the measurements into the DOM. ``--open-all`` opens every folded section first (the worst
case a reader can produce). Prints one JSON object. Used by ``tests/analysis/test_report_overflow.py``.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)

# After layout: every element whose box reaches past the window's right edge (or starts left of 0), the
# widest element, the page's height and width. Elements inside a closed <details> have no box and are skipped.
_MEASURE = """<script>window.addEventListener('load', function () {
  if (%(open_all)s) { document.querySelectorAll('details').forEach(function (d) { d.open = true; }); }
  var width = window.innerWidth, over = [], widest = null, widestWidth = 0;
  document.querySelectorAll('body *').forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) { return; }
    var name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (typeof el.className === 'string' && el.className ? '.' + el.className.split(' ').join('.') : '');
    if (r.width > widestWidth) { widestWidth = r.width; widest = name; }
    if (r.right > width + 0.5 || r.left < -0.5) {
      over.push({element: name, left: Math.round(r.left), right: Math.round(r.right)});
    }
  });
  // A box that scrolls sideways (a table wider than its .scroll wrapper) hides part of its table.
  var scrolling = [];
  document.querySelectorAll('body *').forEach(function (el) {
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible') {
      scrolling.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
    }
  });
  var out = {window_width: width, scrolling_boxes: scrolling.slice(0, 20), scrolling_count: scrolling.length,
             page_height: document.documentElement.scrollHeight,
             page_width: document.documentElement.scrollWidth, widest_element: widest,
             widest_px: Math.round(widestWidth), overflowing: over.slice(0, 50), overflowing_count: over.length,
             sections: document.querySelectorAll('body > section').length,
             nav_position: getComputedStyle(document.querySelector('nav') || document.body).position};
  var pre = document.createElement('pre'); pre.id = 'kz-measure'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});</script>"""


class ChromiumMissing(RuntimeError):
    """No Chromium binary on PATH."""


def chromium() -> str | None:
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def dump_dom(page: str, width: int, height: int = 1000) -> str:
    """The DOM of ``page`` (HTML text) after Chromium has laid it out in a ``width`` × ``height`` window and
    run its scripts (``--dump-dom``)."""
    browser = chromium()
    if browser is None:
        raise ChromiumMissing("no chromium binary on PATH (Debian: apt-get install -y chromium)")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "index.html"
        path.write_text(page, encoding="utf-8")
        return subprocess.run(
            [
                browser,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={folder}/profile",
                f"--window-size={width},{height}",
                "--virtual-time-budget=10000",
                "--dump-dom",
                path.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        ).stdout


def measure(page: str, width: int = 1280, open_all: bool = False) -> dict[str, Any]:
    """The measurements of ``page`` (HTML text) laid out in a window ``width`` px wide."""
    script = _MEASURE % {"open_all": "true" if open_all else "false"}
    dom = dump_dom(page.replace("</body>", script + "</body>"), width)
    found = re.search(r'<pre id="kz-measure">(.*?)</pre>', dom, flags=re.S)
    if not found:
        raise RuntimeError(f"chromium printed no measurement (stdout starts {dom[:200]!r})")
    return dict(json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<")))


def screenshot(page_path: Path, out: Path, width: int = 1280, height: int = 2000) -> None:
    browser = chromium()
    if browser is None:
        raise ChromiumMissing("no chromium binary on PATH (Debian: apt-get install -y chromium)")
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [
                browser,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={folder}/profile",
                f"--window-size={width},{height}",
                f"--screenshot={out}",
                page_path.resolve().as_uri(),
            ],
            capture_output=True,
            timeout=180,
            check=True,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--open-all", action="store_true", help="open every <details> before measuring")
    parser.add_argument("--screenshot", type=Path, help="also write a screenshot (top 2,000 px) here")
    args = parser.parse_args(argv)
    try:
        result = measure(args.page.read_text(encoding="utf-8"), args.width, args.open_all)
        if args.screenshot:
            screenshot(args.page, args.screenshot, args.width)
    except ChromiumMissing as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
