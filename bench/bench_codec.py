"""Protocol codec: encode and decode a 10,000-unit position frame.

Prints the median of repeated runs for the codec (msgspec) and, measured in the same run
as a baseline, the standard library's ``json`` on the same data, once as the per-unit
dicts a naive server would send and once in the frame's own parallel-array shape::

    .venv/bin/python bench/bench_codec.py
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from any directory

from models.org import UnitStatus
from net.codec import decode_client, decode_server, encode
from net.protocol import PositionBatch, PositionFrame

UNITS = 10_000
REPEATS = 41


def median_ms(run: Callable[[], object], repeats: int = REPEATS) -> float:
    """Median wall time of ``run`` in milliseconds, after one warm-up call."""
    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def make_frame(rng: random.Random) -> PositionFrame:
    """A tick of 10,000 units spread over Pudong, positions rounded to ~0.1 m."""
    statuses = list(UnitStatus)
    return PositionFrame(
        at=datetime(2026, 11, 30, 1, 31, 30, tzinfo=UTC),
        unit_ids=[f"U-{i:05d}" for i in range(UNITS)],
        lons=[round(rng.uniform(121.45, 121.95), 6) for _ in range(UNITS)],
        lats=[round(rng.uniform(30.85, 31.40), 6) for _ in range(UNITS)],
        headings=[rng.randrange(360) if rng.random() < 0.9 else None for _ in range(UNITS)],
        statuses=[rng.choice(statuses) for _ in range(UNITS)],
    )


def make_batch(frame: PositionFrame) -> PositionBatch:
    """The same units as a terminal-side batch (what the simulator sends in)."""
    base = frame.at - timedelta(seconds=1)
    return PositionBatch(
        unit_ids=frame.unit_ids,
        at=[base + timedelta(milliseconds=i % 1000) for i in range(UNITS)],
        lons=frame.lons,
        lats=frame.lats,
        speeds=[1.4] * UNITS,
        headings=[float(h) if h is not None else None for h in frame.headings],
    )


def main() -> None:
    """Measure and print a Markdown table of the figures."""
    frame = make_frame(random.Random(20261130))
    at = frame.at.isoformat()
    per_unit = [
        {"unit_id": u, "lon": x, "lat": y, "heading": h, "status": s.value, "at": at}
        for u, x, y, h, s in zip(
            frame.unit_ids, frame.lons, frame.lats, frame.headings, frame.statuses, strict=True
        )
    ]
    arrays = {
        "type": "position_frame",
        "at": at,
        "unit_ids": frame.unit_ids,
        "lons": frame.lons,
        "lats": frame.lats,
        "headings": frame.headings,
        "statuses": [s.value for s in frame.statuses],
    }
    wire = encode(frame)
    batch = encode(make_batch(frame))

    codec_encode = median_ms(lambda: encode(frame))
    stdlib_dicts = median_ms(lambda: json.dumps(per_unit).encode())
    stdlib_arrays = median_ms(lambda: json.dumps(arrays).encode())
    codec_decode = median_ms(lambda: decode_server(wire))
    stdlib_decode = median_ms(lambda: json.loads(wire))
    batch_decode = median_ms(lambda: decode_client(batch))

    print(f"# Protocol codec, {UNITS:,} units, median of {REPEATS} runs ({sys.version.split()[0]})")
    print("| what | ms | vs codec |")
    print("|---|---:|---:|")
    print(f"| encode PositionFrame (msgspec, codec.encode) | {codec_encode:.2f} | 1.0× |")
    for name, value in (
        ("stdlib json.dumps, one dict per unit", stdlib_dicts),
        ("stdlib json.dumps, same parallel arrays", stdlib_arrays),
    ):
        print(f"| {name} | {value:.2f} | {value / codec_encode:.1f}× |")
    print(f"| decode + validate PositionFrame (codec.decode_server) | {codec_decode:.2f} | |")
    print(f"| stdlib json.loads of that frame, no validation | {stdlib_decode:.2f} | |")
    print(f"| decode + validate PositionBatch (codec.decode_client) | {batch_decode:.2f} | |")
    print(
        f"frame: {len(wire):,} bytes ({len(wire) / UNITS:.0f} B/unit); "
        f"batch: {len(batch):,} bytes; per-unit dict JSON: "
        f"{len(json.dumps(per_unit).encode()):,} bytes"
    )


if __name__ == "__main__":
    main()
