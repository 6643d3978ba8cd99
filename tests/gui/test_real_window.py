"""A real window on a real X server (Xvfb), seen from outside Qt.

The test starts its own Xvfb, runs the console's main window in Chinese in a child process
on it (``QT_QPA_PLATFORM=xcb``), grabs the whole X screen with ``xwd`` (not with Qt: what the
server shows, not what Qt thinks it drew) and checks that

* the main window is there: its area is the theme's dark ground with plenty of detail,
  while the rest of the screen is Xvfb's empty black;
* Chinese text really rendered with a CJK font, not as "tofu" boxes: two panel titles of two
  characters each (地图, 告警) are drawn in the same place of equal-sized panels' labels; tofu
  boxes of equal count would look the same, real glyphs differ. The child also reports the
  CJK families Qt found and that its font has glyphs for those characters.

The screenshot is kept as ``real-window.png`` in the test's temporary directory.
Needs Debian's xvfb, x11-apps (xwd), fonts-noto-cjk and libxcb-cursor0
(``scripts/system-deps.sh``); a missing one fails the test and says what to install.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from console.colour import hex_to_rgb
from console.theme import COLOURS
from tests.gui.xwd import read_xwd, write_png

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("real_window_child.py")
SCREEN = (1920, 1080)


def _need(program: str, package: str) -> str:
    path = shutil.which(program)
    if path is None:
        pytest.fail(f"{program} not found: apt-get install {package} (scripts/system-deps.sh)")
    return path


def _read_line(stream: Any, timeout: float, what: str) -> str:
    """One line from a child's pipe, or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    buffer = b""
    while not buffer.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([stream], [], [], left)[0]:
            pytest.fail(f"timed out waiting for {what}")
        chunk = os.read(stream.fileno(), 4096)
        if not chunk:
            pytest.fail(f"{what}: the process ended first")
        buffer += chunk
    return buffer.decode()


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def xvfb() -> Iterator[str]:
    """A private Xvfb with one 1920×1080×24 screen; yields its DISPLAY (e.g. ``":7"``).

    ``-displayfd`` makes Xvfb pick a free display number itself and write it to a pipe, so
    two test runs (or a developer's own X server) never collide on ``:N``.
    """
    program = _need("Xvfb", "xvfb")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [
            program,
            "-displayfd",
            str(write_end),
            "-screen",
            "0",
            f"{SCREEN[0]}x{SCREEN[1]}x24",
            "-nolisten",
            "tcp",
        ],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb", buffering=0) as pipe:
            number = _read_line(pipe, 20, "Xvfb to start").strip()
        yield f":{number}"
    finally:
        _stop(server)


def _grab(display: str) -> NDArray[np.uint8]:
    xwd = _need("xwd", "x11-apps")
    dump = subprocess.run(
        [xwd, "-root", "-silent", "-display", display], capture_output=True, check=True, timeout=30
    ).stdout
    return read_xwd(dump)


def _crop(image: NDArray[np.uint8], rect: list[int]) -> NDArray[np.int32]:
    x, y, w, h = rect
    return image[y : y + h, x : x + w].astype(np.int32)


def _near(pixel: NDArray[np.int32] | tuple[int, ...], colour: str, tolerance: int = 6) -> bool:
    return all(abs(int(a) - b) <= tolerance for a, b in zip(pixel, hex_to_rgb(colour), strict=True))


def test_the_main_window_shows_on_a_real_x_server_with_chinese_text(
    xvfb: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "xcb",
        "DISPLAY": xvfb,
        "GRID_CONSOLE_CONFIG_DIR": str(tmp_path / "config"),
        "PYTHONPATH": str(ROOT),
    }
    with subprocess.Popen(
        [sys.executable, str(CHILD), str(tmp_path / "config")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as child:
        try:
            line = _read_line(child.stdout, 60, "the console's window to be painted")
            image = _grab(xvfb)
        finally:
            _stop(child)
            errors = child.stderr.read().decode() if child.stderr else ""
    shot = write_png(tmp_path / "real-window.png", image)
    print(f"screenshot: {shot}")
    info = json.loads(line)

    assert info["platform"] == "xcb"
    assert "qt.qpa" not in errors, errors  # e.g. a missing libxcb-cursor0
    assert "Traceback" not in errors, errors
    assert image.shape == (SCREEN[1], SCREEN[0], 3)
    assert info["title"] == "网格化城运指挥台 — 调度员"
    assert info["menus"][0] == "文件(&F)"

    # The window is there: the theme's dark ground, lots of detail; black around it.
    window = _crop(image, info["window"])
    colours, counts = np.unique(window.reshape(-1, 3), axis=0, return_counts=True)
    commonest = colours[counts.argmax()]
    assert any(_near(commonest, COLOURS[s]) for s in ("window", "base", "raised")), commonest
    assert len(colours) > 50, "the window's area is nearly uniform: nothing was drawn"
    wx, wy, ww, wh = info["window"]
    around = np.ones(image.shape[:2], dtype=bool)
    around[max(0, wy - 2) : wy + wh + 2, max(0, wx - 2) : wx + ww + 2] = False
    assert int(image[around].max()) == 0, "something besides the window is on the screen"

    # Chinese glyphs, not tofu: a CJK font exists and has them, and the two titles differ.
    assert info["cjk_families"], "no Simplified Chinese font: apt-get install fonts-noto-cjk"
    titles = info["labels"]
    assert [titles["map"]["text"], titles["alerts"]["text"]] == ["地图", "告警"]
    for label in titles.values():
        assert "CJK" in label["family"], label
        assert label["in_font"], label
    first, second = _crop(image, titles["map"]["rect"]), _crop(image, titles["alerts"]["rect"])
    height = min(first.shape[0], second.shape[0])
    width = min(first.shape[1], second.shape[1])
    first, second = first[:height, :width], second[:height, :width]
    ground = np.array(hex_to_rgb(COLOURS["base"]))
    for crop in (first, second):
        ink = np.abs(crop - ground).sum(axis=-1) > 150  # text pixels: far from the ground
        assert ink.sum() > 100, "no text drawn where the panel title should be"
    differing = (np.abs(first - second).sum(axis=-1) > 150).mean()
    assert differing > 0.05, f"地图 and 告警 look alike ({differing:.1%} of pixels differ): tofu?"
