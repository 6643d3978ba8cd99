"""Benchmark: server fan-out under position load (issue 3).

Run: ``.venv/bin/python bench/bench_server.py [--units 10000] [--consoles 50] [--seconds 20]
[--runs 3]`` (``--help`` for the rest). About 1.5 minutes per run; results and method
in ``docs/benchmarks.md``, "Server fan-out".

Each run starts the real backend as a subprocess (``python -m backend serve --port 0`` on
a fresh copy of a SQLite demo database with ``--units`` field units), so that its CPU time
is read from ``/proc/<pid>/stat`` apart from the load generator's, which runs in two more
processes (``bench/_server_load.py``):

* **consoles**: ``--consoles`` connections of kind ``console`` (users ``operator``,
  ``supervisor``, ``leader`` in turn; all district-wide, so every one receives every
  unit). They count a position frame's units without decoding it, and parse only event
  frames, recording when each command's event arrives.
* **driver**: ``--terminals`` field terminals (user ``field``) that report every unit once
  a second, one batch of ``units / terminals`` per terminal per second, staggered, so the
  server receives ``--units`` positions/s; and a command driver that every ``--interval``
  s makes a workflow move, open loop (on time, whatever earlier commands are doing), in
  turn over ``--drivers`` connections (users ``operator`` and ``supervisor``, kind
  ``simulator``, so they receive no positions): report a case, accept it, file it, then
  the next case. Every command carries a unique tag as its note, which the event's
  history entry carries back. One more connection sends a ``ping`` halfway between
  commands: its round trip shows how responsive the server's event loop is (on its own
  connection, because a session handles its frames one at a time and a ping would
  otherwise wait for a command).

Windows within each run, all processes sharing ``time.monotonic()``:

1. **unloaded** (``--baseline`` s): the same consoles and commands, no positions. This is
   the baseline for the latency ratio.
2. ``--warmup`` s of positions, not measured, then **loaded** (``--seconds`` s): positions
   and commands.

Then a **bare** server (``bench/_server_load.py bare-server``) takes the same load for
``--bare-seconds``: it decodes the same frames with the same codec and uses
``websockets.broadcast`` for one encoded frame per tick and per event, with no database,
workflow, scopes or per-client queues: a lower bound for the server's CPU and latency.

CPU is sampled at the window edges for the server, the load processes and the whole
machine (``/proc/stat``); what is left is other tenants' use of the shared machine.
Printed: per run, then medians over the runs (and their ranges) as a Markdown table;
``--json`` also writes every figure, ``--raw DIR`` every child's raw results. To compare a
patched server, ``--server-cmd`` replaces ``python -m backend``. Every child process is
stopped on the way out, and is asked by the kernel (``PR_SET_PDEATHSIG``) to stop if the
benchmark itself dies.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import select
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np
from argon2 import PasswordHasher

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from any directory

from backend.demo import seed_demo
from backend.store.database import Database
from backend.store.migrate import upgrade
from backend.store.reference import load_city
from models.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parents[1]
LOAD = ROOT / "bench" / "_server_load.py"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PR_SET_PDEATHSIG = 1
START_TIMEOUT = 120.0
"""Seconds a child has to print ``listening on`` or ``ready``."""


# --- child processes ---------------------------------------------------------------------


def _die_with_parent() -> None:
    """In the child: get SIGTERM if the benchmark dies, so no server is left behind."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Child:
    """A subprocess whose stdout is read line by line with timeouts; stderr goes to a file.

    Args:
        name: For messages and the log file's name.
        argv: The command.
        logdir: Where ``<name>.log`` (stderr) is written.
    """

    def __init__(self, name: str, argv: Sequence[str], logdir: Path) -> None:
        self.name = name
        self.log_path = logdir / f"{name}.log"
        self._log: TextIO = self.log_path.open("w")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            list(argv),
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            preexec_fn=_die_with_parent,
        )
        self._buffer = b""

    @property
    def pid(self) -> int:
        return self.proc.pid

    def read_line(self, prefix: str, timeout: float) -> str:
        """The next stdout line starting with ``prefix`` (others are skipped)."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while True:
            while b"\n" in self._buffer:
                line, self._buffer = self._buffer.split(b"\n", 1)
                text = line.decode(errors="replace")
                if text.startswith(prefix):
                    return text
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError(f"{self.name}: no '{prefix}' line within {timeout:.0f} s")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise RuntimeError(
                        f"{self.name} exited ({self.proc.wait()}) before '{prefix}':\n"
                        + self.log_tail()
                    )
                self._buffer += chunk

    def send_line(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def log_tail(self, lines: int = 15) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM, then SIGKILL after ``timeout`` s; always reaps the process."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()
        self._log.close()


@contextlib.contextmanager
def children() -> Iterator[list[Child]]:
    """Collects started children and stops every one of them on the way out."""
    started: list[Child] = []
    try:
        yield started
    finally:
        for child in reversed(started):
            child.stop()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), in seconds."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from ``/proc/stat``."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    total = sum(values[:8])
    return total - idle, total


# --- setup -------------------------------------------------------------------------------


def make_template(path: Path, units: int, cells: int) -> list[list[float]]:
    """Seed the demo city into ``path``; return report spots (cell centroids) for the driver.

    The demo users get a cheap argon2 hash: sign-in is not what is measured.
    """
    db = Database.open(f"sqlite:///{path}")
    try:
        upgrade(db)
        seed_demo(
            db,
            load_catalogue(),
            units=units,
            target_cells=cells,
            hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
        )
        city = load_city(db)
    finally:
        db.close()
    assert city is not None
    step = max(1, len(city.cells) // 97)
    return [[c.centroid_lon, c.centroid_lat] for c in city.cells[::step]]


# --- statistics --------------------------------------------------------------------------


def pct(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else float("nan")


@dataclass
class Window:
    """Figures for one measured window (one server, one kind of load)."""

    name: str
    start: float
    stop: float
    figures: dict[str, float] = field(default_factory=dict)


@dataclass
class CpuSampler:
    """CPU seconds of the watched processes and the machine at named instants."""

    pids: dict[str, int]
    samples: dict[float, dict[str, float]] = field(default_factory=dict)

    def sample(self, at: float) -> None:
        now = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        busy, total = machine_jiffies()
        now["machine_busy"], now["machine_total"] = busy / CLK_TCK, total / CLK_TCK
        self.samples[at] = now

    def percent(self, start: float, stop: float) -> dict[str, float]:
        """CPU % of one core per process over the window, and the machine's busy %."""
        a, b = self.samples[start], self.samples[stop]
        seconds = stop - start
        out = {f"cpu_{n}": 100 * (b[n] - a[n]) / seconds for n in self.pids}
        out["machine_busy"] = (
            100
            * (b["machine_busy"] - a["machine_busy"])
            / (b["machine_total"] - a["machine_total"])
        )
        return out


def window_figures(
    start: float,
    stop: float,
    driver: dict[str, Any],
    consoles: list[dict[str, Any]],
    lags: dict[str, list[list[float]]],
) -> dict[str, float]:
    """Latencies, rates and losses within ``[start, stop)``."""
    seconds = stop - start
    commands = [c for c in driver["commands"] if start <= c[2] < stop]
    ok = [c for c in commands if c[4]]
    event_delays: list[float] = []
    per_console_p99: list[float] = []
    missing = 0
    for console in consoles:
        events = console["events"]
        mine = [events[c[0]] - c[2] for c in ok if c[0] in events]
        missing += len(ok) - len(mine)
        event_delays += mine
        if mine:
            per_console_p99.append(pct(mine, 99))
    ack_delays = [c[3] - c[2] for c in ok]
    pings = [r for s, r in driver["pings"] if start <= s < stop]
    sent_units = sum(n for t, n in driver["batches"] if start <= t < stop)
    units_per_console, frames_per_console, ages, sizes, nbytes = [], [], [], [], []
    for console in consoles:
        frames = [f for f in console["frames"] if start <= f[0] < stop]
        units_per_console.append(sum(f[1] for f in frames) / seconds)
        frames_per_console.append(len(frames) / seconds)
        ages += [f[2] for f in frames]
        sizes += [f[1] for f in frames]
        nbytes += [f[3] for f in frames]
    figures = {
        "commands_per_s": len(commands) / seconds,
        "command_errors": len(commands) - len(ok),
        "late_commands": sum(1 for c in commands if c[6] > 0.02),
        "event_p50_ms": 1000 * pct(event_delays, 50),
        "event_p99_ms": 1000 * pct(event_delays, 99),
        "event_max_ms": 1000 * max(event_delays, default=float("nan")),
        "event_over_100ms_pct": (
            100 * sum(d > 0.1 for d in event_delays) / len(event_delays)
            if event_delays
            else float("nan")
        ),
        "event_worst_console_p99_ms": 1000 * max(per_console_p99, default=float("nan")),
        "events_measured": len(event_delays),
        "events_missing": missing,
        "ack_p50_ms": 1000 * pct(ack_delays, 50),
        "ack_p99_ms": 1000 * pct(ack_delays, 99),
        "ping_p50_ms": 1000 * pct(pings, 50),
        "ping_p99_ms": 1000 * pct(pings, 99),
        "positions_sent_per_s": sent_units / seconds,
        "console_units_per_s_median": statistics.median(units_per_console),
        "console_units_per_s_min": min(units_per_console),
        "console_frames_per_s": statistics.median(frames_per_console),
        "units_per_frame": statistics.fmean(sizes) if sizes else 0.0,
        "frame_kib": statistics.fmean(nbytes) / 1024 if nbytes else 0.0,
        "frame_age_p50_ms": 1000 * pct(ages, 50),
        "frame_age_p99_ms": 1000 * pct(ages, 99),
    }
    if not sent_units:  # no positions in this window
        for key in figures:
            if key.startswith(("positions_", "console_", "units_", "frame_")):
                figures[key] = float("nan")
    for name, samples in lags.items():
        inside = [x for t, x in samples if start <= t < stop]
        figures[f"lag_{name}_p99_ms"] = 1000 * pct(inside, 99)
    return figures


# --- one server under load ---------------------------------------------------------------


@dataclass
class Plan:
    """Where the windows fall, relative to the moment everyone is ready."""

    baseline: float
    warmup: float
    seconds: float


def run_load(
    label: str,
    server_argv: Sequence[str],
    plan: Plan,
    args: argparse.Namespace,
    points_file: Path,
    logdir: Path,
) -> list[Window]:
    """Start a server and the load, run the windows, stop everything; return the figures."""
    py = sys.executable
    with children() as started:
        server = Child(f"{label}-server", server_argv, logdir)
        started.append(server)
        url = server.read_line("listening on", START_TIMEOUT).split()[-1]
        per_proc = -(-args.consoles // args.console_procs)
        console_procs = []
        for i in range(args.console_procs):
            count = min(per_proc, args.consoles - i * per_proc)
            argv = [py, str(LOAD), "consoles", "--url", url, "--count", str(count)]
            child = Child(f"{label}-consoles{i}", [*argv, "--first", str(i * per_proc)], logdir)
            started.append(child)
            console_procs.append(child)
        driver_argv = [
            *(py, str(LOAD), "driver", "--url", url, "--units", str(args.units)),
            *("--terminals", str(args.terminals), "--interval", str(args.interval)),
            *("--drivers", str(args.drivers)),
            *("--points", str(points_file), "--tag", label),
        ]
        driver = Child(f"{label}-driver", driver_argv, logdir)
        started.append(driver)
        for child in [*console_procs, driver]:
            child.read_line("ready", START_TIMEOUT)

        t0 = time.monotonic() + 0.5
        windows: list[Window] = []
        t = t0 + 1.0
        if plan.baseline > 0:
            windows.append(Window("unloaded", t, t + plan.baseline))
            t += plan.baseline
        positions = t
        windows.append(Window("loaded", t + plan.warmup, t + plan.warmup + plan.seconds))
        end = windows[-1].stop
        schedule = {"commands": t0, "positions": positions, "end": end, "linger": 1.5}
        for child in [*console_procs, driver]:
            child.send_line("go " + json.dumps(schedule))

        pids = {"server": server.pid, "driver": driver.pid}
        pids |= {f"consoles{i}": c.pid for i, c in enumerate(console_procs)}
        sampler = CpuSampler(pids)
        for instant in sorted({w.start for w in windows} | {w.stop for w in windows}):
            time.sleep(max(0.0, instant - time.monotonic()))
            sampler.sample(instant)

        results = [
            json.loads(c.read_line("result ", end - time.monotonic() + 60)[7:])
            for c in console_procs
        ]
        driver_result = json.loads(driver.read_line("result ", 60)[7:])
        if args.raw is not None:
            args.raw.mkdir(parents=True, exist_ok=True)
            raw: dict[str, Any] = {
                "windows": [[w.name, w.start, w.stop] for w in windows],
                "schedule": schedule,
                "driver": driver_result,
                "consoles": results,
                "cpu": sampler.samples,
            }
            (args.raw / f"{label}.json").write_text(json.dumps(raw))
        if server.proc.poll() is not None:
            raise RuntimeError(f"{label}: the server died:\n{server.log_tail()}")

    consoles = [c for r in results for c in r["consoles"]]
    cut_off = [c["goodbye"] for c in consoles if c["goodbye"]]
    if cut_off:
        print(f"  {label}: {len(cut_off)} consoles cut off by the server: {cut_off[0]}")
    sent_total = sum(n for _, n in driver_result["batches"])
    received = [sum(f[1] for f in c["frames"]) for c in consoles]
    event_bytes = [b for c in consoles for b in c["event_bytes"]]
    lags = {"driver": driver_result["lag"], "consoles": [x for r in results for x in r["lag"]]}
    for window in windows:
        window.figures = window_figures(window.start, window.stop, driver_result, consoles, lags)
        window.figures |= sampler.percent(window.start, window.stop)
        window.figures["cpu_load_generator"] = sum(
            v for k, v in window.figures.items() if k.startswith(("cpu_consoles", "cpu_driver"))
        )
        window.figures["cpu_others"] = (
            2 * window.figures["machine_busy"]
            - window.figures["cpu_server"]
            - window.figures["cpu_load_generator"]
        )
        window.figures["sample_mismatches"] = sum(c["mismatches"] for c in consoles)
        window.figures["frames_sampled"] = sum(c["sampled"] for c in consoles)
        window.figures["consoles_cut_off"] = len(cut_off)
        # Over the whole run (positions stop before the consoles do): exact, no window edges.
        lost = sent_total - min(received) if window.name != "unloaded" else float("nan")
        window.figures["units_lost_max"] = lost
        window.figures["event_bytes"] = statistics.fmean(event_bytes) if event_bytes else 0
    if driver_result["terminal_replies"]:
        print(f"  {label}: terminals got replies: {driver_result['terminal_samples']}")
    if driver_result["driver_unexpected"]:
        print(f"  {label}: driver got unexpected frames: {driver_result['driver_unexpected']}")
    return windows


# --- report ------------------------------------------------------------------------------

ROWS: list[tuple[str, str]] = [
    ("positions/s sent by terminals", "positions_sent_per_s"),
    ("positions/s received per console (median console)", "console_units_per_s_median"),
    ("positions/s received, slowest console", "console_units_per_s_min"),
    ("position units lost, worst console (whole run)", "units_lost_max"),
    ("position frames/s per console", "console_frames_per_s"),
    ("units per position frame", "units_per_frame"),
    ("KiB per position frame", "frame_kib"),
    ("position frame age at console p50 (ms)", "frame_age_p50_ms"),
    ("position frame age at console p99 (ms)", "frame_age_p99_ms"),
    ("server CPU, % of one core", "cpu_server"),
    ("load generator CPU, % of one core", "cpu_load_generator"),
    ("other tenants' CPU, % of one core", "cpu_others"),
    ("commands/s", "commands_per_s"),
    ("commands sent > 20 ms after their slot", "late_commands"),
    ("command → event at every console p50 (ms)", "event_p50_ms"),
    ("command → event at every console p99 (ms)", "event_p99_ms"),
    ("command → event, max (ms)", "event_max_ms"),
    ("command → event deliveries over 100 ms (%)", "event_over_100ms_pct"),
    ("command → event, worst console's p99 (ms)", "event_worst_console_p99_ms"),
    ("command → ack p50 (ms)", "ack_p50_ms"),
    ("command → ack p99 (ms)", "ack_p99_ms"),
    ("ping → pong p50 (ms), own connection", "ping_p50_ms"),
    ("ping → pong p99 (ms), own connection", "ping_p99_ms"),
    ("load generator loop lag p99, consoles (ms)", "lag_consoles_p99_ms"),
    ("load generator loop lag p99, driver (ms)", "lag_driver_p99_ms"),
    ("events missing / measured", "events_missing"),
    ("event frame size (bytes, mean)", "event_bytes"),
]


def fmt(value: float) -> str:
    if value != value:  # NaN
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.1f}"


def summary(runs: list[dict[str, dict[str, float]]]) -> str:
    """A Markdown table: median (min–max) over the runs, per server and window."""
    columns = [("real, unloaded", "unloaded"), ("real, loaded", "loaded"), ("bare, loaded", "bare")]

    def cell(window: str, figure: str) -> str:
        values = [r[window][figure] for r in runs if window in r and figure in r[window]]
        values = [v for v in values if v == v]  # NaN: not applicable in this window
        if not values:
            return "–"
        med = statistics.median(values)
        if len(values) > 1 and min(values) != max(values):
            return f"{fmt(med)} ({fmt(min(values))}–{fmt(max(values))})"
        return fmt(med)

    lines = ["| figure | " + " | ".join(c for c, _ in columns) + " |"]
    lines.append("|---|" + "---:|" * len(columns))
    for label, figure in ROWS:
        cells = [cell(w, figure) for _, w in columns]
        if figure == "events_missing":
            cells = [
                f"{cell(w, 'events_missing')} / {cell(w, 'events_measured')}" for _, w in columns
            ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    ratios: list[tuple[str, Callable[[dict[str, dict[str, float]]], float]]] = [
        (
            "p99 command → event, loaded / unloaded",
            lambda r: r["loaded"]["event_p99_ms"] / r["unloaded"]["event_p99_ms"],
        ),
        (
            "p99 command → event, real / bare (loaded)",
            lambda r: r["loaded"]["event_p99_ms"] / r["bare"]["event_p99_ms"],
        ),
        (
            "server CPU, real / bare (loaded)",
            lambda r: r["loaded"]["cpu_server"] / r["bare"]["cpu_server"],
        ),
    ]
    lines.append("")
    for label, ratio in ratios:
        values = [ratio(r) for r in runs if {"loaded", "unloaded", "bare"} <= r.keys()]
        if values:
            lines.append(
                f"- {label}: {statistics.median(values):.2f} "
                f"(runs: {', '.join(f'{v:.2f}' for v in values)})"
            )
    return "\n".join(lines)


def one_line(name: str, f: dict[str, float]) -> str:
    """One window's main figures on one line, for the per-run progress output."""
    positions = (
        f"pos sent {f['positions_sent_per_s']:6.0f}/s, per console "
        f"{f['console_units_per_s_median']:6.0f}/s (min {f['console_units_per_s_min']:.0f}) "
        f"in {f['console_frames_per_s']:.2f} frames/s, lost {f['units_lost_max']:.0f}"
        if f["positions_sent_per_s"] == f["positions_sent_per_s"]
        else "no positions"
    )
    return (
        f"  {name:8s} {positions} | CPU server {f['cpu_server']:4.1f} % load-gen "
        f"{f['cpu_load_generator']:4.1f} % others {f['cpu_others']:3.0f} % | "
        f"{f['commands_per_s']:.1f} cmd/s, event p50 {f['event_p50_ms']:.1f} "
        f"p99 {f['event_p99_ms']:.1f} max {f['event_max_ms']:.1f} ms, ack p50 "
        f"{f['ack_p50_ms']:.1f} p99 {f['ack_p99_ms']:.1f}, ping p99 {f['ping_p99_ms']:.1f} | "
        f"missing {f['events_missing']:.0f}/{f['events_measured']:.0f}, errors "
        f"{f['command_errors']:.0f}, cut off {f['consoles_cut_off']:.0f} | lag p99 consoles "
        f"{f['lag_consoles_p99_ms']:.1f} driver {f['lag_driver_p99_ms']:.1f} ms"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=10_000, help="field units = positions/s")
    parser.add_argument("--cells", type=int, default=5_000, help="grid cells of the demo city")
    parser.add_argument("--consoles", type=int, default=50)
    parser.add_argument("--console-procs", type=int, default=1, help="processes for consoles")
    parser.add_argument("--terminals", type=int, default=4, help="terminal connections")
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between commands")
    parser.add_argument("--drivers", type=int, default=5, help="connections sending commands")
    parser.add_argument("--seconds", type=float, default=20.0, help="loaded window")
    parser.add_argument("--baseline", type=float, default=10.0, help="unloaded window")
    parser.add_argument("--warmup", type=float, default=3.0, help="positions before measuring")
    parser.add_argument("--bare-seconds", type=float, default=10.0, help="bare server window")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--server-cmd",
        default=f"{sys.executable} -m backend",
        help="command that runs the backend CLI (to compare a patched server); "
        "'serve --db URL --port 0' is appended",
    )
    parser.add_argument("--no-bare", action="store_true", help="skip the bare server")
    parser.add_argument("--json", type=Path, default=None, help="also write figures here")
    parser.add_argument("--raw", type=Path, default=None, help="write raw results here (dir)")
    parser.add_argument("--keep-logs", action="store_true", help="keep the children's logs")
    args = parser.parse_args(argv)
    # SIGTERM ends the benchmark like Ctrl-C: the children are stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))

    tmp = Path(tempfile.mkdtemp(prefix="bench-server-"))
    runs: list[dict[str, dict[str, float]]] = []
    try:
        template = tmp / "template.db"
        started = time.monotonic()
        points = make_template(template, args.units, args.cells)
        points_file = tmp / "points.json"
        points_file.write_text(json.dumps(points))
        print(
            f"seeded {args.units} units, {args.cells} cells in "
            f"{time.monotonic() - started:.1f} s; {os.cpu_count()} CPUs; "
            f"{args.consoles} consoles, {args.terminals} terminals, a command every "
            f"{args.interval * 1000:.0f} ms"
        )
        for run in range(1, args.runs + 1):
            db = tmp / f"run{run}.db"
            shutil.copyfile(template, db)
            real = [*shlex.split(args.server_cmd), "serve", "--db", f"sqlite:///{db}"]
            real += ["--port", "0"]
            plan = Plan(args.baseline, args.warmup, args.seconds)
            figures = {
                w.name: w.figures for w in run_load(f"r{run}", real, plan, args, points_file, tmp)
            }
            if args.bare_seconds > 0 and not args.no_bare:
                bare = [sys.executable, str(LOAD), "bare-server"]
                bare_plan = Plan(0.0, args.warmup, args.bare_seconds)
                (window,) = run_load(f"b{run}", bare, bare_plan, args, points_file, tmp)
                figures["bare"] = window.figures
            runs.append(figures)
            print(f"run {run}:")
            for name, f in figures.items():
                print(one_line(name, f))
    finally:
        if args.keep_logs:
            print(f"logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.json is not None:
        args.json.write_text(json.dumps(runs, indent=1))
    print()
    print(f"Medians over {len(runs)} runs (min–max):")
    print()
    print(summary(runs))


if __name__ == "__main__":
    main()
