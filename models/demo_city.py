"""The demo city: a plausible Pudong grid map generated from public facts.

What is real: the 36 streets/towns, their division codes, names and approximate seats
(``resources/geo/pudong_towns.csv``). What is invented: the district outline (a coarse,
hand-drawn one: the Huangpu on the west, the Yangtze mouth on the north, the East China Sea
and Hangzhou Bay on the east and south, the land border with Minhang and Fengxian in the
south-west), the square cells, the street/town areas (a Voronoi partition of the cells by
nearest seat) and the communities (compact groups of about four cells each).

The result is deterministic in its seed: the seed shifts the lattice and seeds the
community partition, so another seed gives another map (and another ``version``).
"""

from __future__ import annotations

import csv
import heapq
import importlib.resources
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import msgspec
import numpy as np
import numpy.typing as npt

from models.errors import InvalidInput, LoadError
from models.geo import LocalProjection, Ring, Rings, ring_area_m2, ring_centroid
from models.geography import Cell, CityMap, CodeFormat, Community, Street, StreetKind

DISTRICT_CODE = "310115"
DISTRICT_NAME_ZH = "浦东新区"
DISTRICT_NAME_EN = "Pudong New Area"

CELLS_PER_COMMUNITY = 3.85
"""Pudong has about 1,300 workstations over 5,000 cells."""

# Hand-drawn from general geographic knowledge, about ±1 km, WGS-84, counter-clockwise from
# the northern tip opposite Wusongkou. Deliberately coarse: it only has to look like Pudong
# and to contain the 36 seats.
PUDONG_OUTLINE: tuple[tuple[float, float], ...] = (
    (121.505, 31.383),  # Pudong's tip opposite Wusongkou
    (121.520, 31.362),  # Huangpu, west bank going south
    (121.540, 31.340),
    (121.558, 31.315),
    (121.568, 31.290),  # Fuxing island across the river
    (121.560, 31.272),
    (121.545, 31.262),  # Yangpu bridge
    (121.525, 31.258),
    (121.505, 31.252),
    (121.492, 31.242),  # Lujiazui bend
    (121.490, 31.228),
    (121.493, 31.208),  # Nanpu bridge
    (121.478, 31.195),  # Lupu bridge, Expo
    (121.468, 31.175),
    (121.462, 31.150),
    (121.470, 31.130),  # leaving the Huangpu: border with Minhang (Pujiang)
    (121.505, 31.115),
    (121.535, 31.090),
    (121.540, 31.050),
    (121.560, 31.020),  # border with Fengxian
    (121.600, 30.995),
    (121.650, 30.975),
    (121.700, 30.950),
    (121.745, 30.925),
    (121.780, 30.880),
    (121.820, 30.855),  # Hangzhou Bay shore
    (121.880, 30.850),
    (121.930, 30.862),
    (121.970, 30.880),  # Nanhui tip
    (121.975, 30.925),  # East China Sea shore going north
    (121.940, 30.990),
    (121.900, 31.050),
    (121.870, 31.110),
    (121.845, 31.165),  # Pudong airport
    (121.815, 31.215),
    (121.775, 31.270),
    (121.740, 31.310),  # Yangtze mouth shore going west
    (121.680, 31.345),  # Waigaoqiao
    (121.620, 31.372),
    (121.560, 31.392),
    (121.505, 31.383),
)


class TownFact(msgspec.Struct, frozen=True):
    """One row of ``resources/geo/pudong_towns.csv``."""

    code: str
    name_zh: str
    name_en: str
    kind: StreetKind
    lon: float
    lat: float


_TOWNS_FILE = "pudong_towns.csv"
_TOWNS_COLUMNS = ("code", "name", "name_en", "kind", "approx_lon", "approx_lat")


def load_town_facts(text: str | None = None, *, source: str = _TOWNS_FILE) -> tuple[TownFact, ...]:
    """Read the streets/towns of Pudong (codes, names, kinds, approximate seats).

    Args:
        text: CSV text to parse instead of the packaged resource (for tests).
        source: File name used in error messages.

    Returns:
        One fact per street/town, in file order.

    Raises:
        LoadError: Missing column, bad code, kind or coordinate, or a duplicate code.
    """
    if text is None:
        text = (
            importlib.resources.files("resources")
            .joinpath("geo", _TOWNS_FILE)
            .read_text(encoding="utf-8")
        )
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in _TOWNS_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise LoadError(source, None, missing[0], "column missing from the header")
    fmt = CodeFormat()
    facts: list[TownFact] = []
    seen: set[str] = set()
    for row_no, row in enumerate(reader, start=1):
        code = (row["code"] or "").strip()
        if not fmt.is_valid(code, "street") or not code.startswith(DISTRICT_CODE):
            raise LoadError(
                source, row_no, "code", f"{code!r} is not a street code of {DISTRICT_CODE}"
            )
        if code in seen:
            raise LoadError(source, row_no, "code", f"duplicate code {code}")
        seen.add(code)
        kind = (row["kind"] or "").strip()
        if kind not in ("street", "town"):
            raise LoadError(source, row_no, "kind", f"{kind!r} is neither 'street' nor 'town'")
        coords: list[float] = []
        for field, lo, hi in (("approx_lon", 73.0, 136.0), ("approx_lat", 3.0, 54.0)):
            try:
                value = float(row[field] or "")
            except ValueError:
                raise LoadError(source, row_no, field, f"{row[field]!r} is not a number") from None
            if not lo <= value <= hi:
                raise LoadError(source, row_no, field, f"{value} is outside China")
            coords.append(value)
        for field in ("name", "name_en"):
            if not (row[field] or "").strip():
                raise LoadError(source, row_no, field, "empty name")
        facts.append(
            TownFact(
                code=code,
                name_zh=row["name"].strip(),
                name_en=row["name_en"].strip(),
                kind="street" if kind == "street" else "town",
                lon=coords[0],
                lat=coords[1],
            )
        )
    if not facts:
        raise LoadError(source, None, None, "no rows")
    return tuple(facts)


def generate_demo_city(seed: int = 2026, target_cells: int = 5000) -> CityMap:
    """Generate the demo Pudong grid map.

    Args:
        seed: Any integer; the same seed always gives the same map.
        target_cells: Wanted number of cells; the result is within about 1 % of it.

    Returns:
        A :class:`CityMap` with 36 streets/towns, about ``target_cells / 3.85``
        communities and about ``target_cells`` square cells.

    Raises:
        InvalidInput: ``target_cells`` too small to give every street/town a cell, or
            so large that a town would need over 999 communities: it must lie in
            500..40,000.
    """
    if not 500 <= target_cells <= 40_000:
        raise InvalidInput("target_cells", f"{target_cells} is outside 500..40000")
    facts = load_town_facts()
    rng = np.random.default_rng(seed)
    fmt = CodeFormat()

    outline_lon = np.array([p[0] for p in PUDONG_OUTLINE])
    outline_lat = np.array([p[1] for p in PUDONG_OUTLINE])
    proj = LocalProjection(
        (outline_lon.min() + outline_lon.max()) / 2.0, (outline_lat.min() + outline_lat.max()) / 2.0
    )
    ox, oy = proj.forward_array(outline_lon, outline_lat)

    lattice = _fit_lattice(ox, oy, target_cells, rng)
    ii, jj = lattice.cells_i, lattice.cells_j
    cx = lattice.x0 + (ii + 0.5) * lattice.size
    cy = lattice.y0 + (jj + 0.5) * lattice.size

    # Voronoi partition: every cell goes to the nearest seat.
    seat_x, seat_y = proj.forward_array([f.lon for f in facts], [f.lat for f in facts])
    d2 = (cx[:, None] - seat_x[None, :]) ** 2 + (cy[:, None] - seat_y[None, :]) ** 2
    town_of = np.argmin(d2, axis=1)

    # Vertex coordinates are rounded once per lattice line, so cells sharing an edge share
    # its coordinates exactly and the JSON stays short (1e-7° ≈ 1 cm).
    vlon, _ = proj.inverse_array(lattice.x0 + np.arange(lattice.ni + 1) * lattice.size, 0.0)
    _, vlat = proj.inverse_array(0.0, lattice.y0 + np.arange(lattice.nj + 1) * lattice.size)
    vlon_l = [round(float(v), 7) for v in vlon]
    vlat_l = [round(float(v), 7) for v in vlat]

    def to_rings(loops: list[list[tuple[int, int]]]) -> Rings:
        return tuple(tuple((vlon_l[i], vlat_l[j]) for i, j in loop) for loop in loops)

    streets: list[Street] = []
    communities: list[Community] = []
    cells: list[Cell] = []
    all_ij = list(zip(ii.tolist(), jj.tolist(), strict=True))
    for t, fact in enumerate(facts):
        members = np.flatnonzero(town_of == t)
        if members.size == 0:
            raise InvalidInput(
                "target_cells", f"{target_cells} leaves {fact.name_zh} without cells"
            )
        ij = [all_ij[k] for k in members.tolist()]
        streets.append(
            Street(
                code=fact.code,
                name_zh=fact.name_zh,
                name_en=fact.name_en,
                kind=fact.kind,
                seat_lon=fact.lon,
                seat_lat=fact.lat,
                boundary=to_rings(trace_lattice_rings(ij)),
            )
        )
        groups = _communities_of(ij, rng)
        for n, group in enumerate(groups, start=1):
            street_segment = fmt.split(fact.code)[1]
            comm_code = fmt.join(DISTRICT_CODE, street_segment, n)
            communities.append(
                Community(
                    code=comm_code,
                    street_code=fact.code,
                    name_zh=f"{fact.name_zh}第{n}社区",
                    name_en=f"{fact.name_en} Community {n}",
                    boundary=to_rings(trace_lattice_rings(group)),
                )
            )
            for m, (i, j) in enumerate(_reading_order(group), start=1):
                ring: Ring = (
                    (vlon_l[i], vlat_l[j]),
                    (vlon_l[i + 1], vlat_l[j]),
                    (vlon_l[i + 1], vlat_l[j + 1]),
                    (vlon_l[i], vlat_l[j + 1]),
                    (vlon_l[i], vlat_l[j]),
                )
                clon, clat = ring_centroid(ring)
                cells.append(
                    Cell(
                        code=fmt.join(DISTRICT_CODE, street_segment, n, m),
                        street_code=fact.code,
                        community_code=comm_code,
                        ring=ring,
                        centroid_lon=round(clon, 7),
                        centroid_lat=round(clat, 7),
                        area_m2=round(ring_area_m2(ring), 1),
                    )
                )
    return CityMap.build(
        district_code=DISTRICT_CODE,
        name_zh=DISTRICT_NAME_ZH,
        name_en=DISTRICT_NAME_EN,
        streets=streets,
        communities=communities,
        cells=cells,
        boundary=to_rings(trace_lattice_rings(all_ij)),
        code_format=fmt,
    )


@dataclass(frozen=True)
class _Lattice:
    x0: float
    y0: float
    size: float
    ni: int
    nj: int
    cells_i: npt.NDArray[np.int64]
    cells_j: npt.NDArray[np.int64]


def _fit_lattice(
    ox: npt.NDArray[np.float64],
    oy: npt.NDArray[np.float64],
    target: int,
    rng: np.random.Generator,
) -> _Lattice:
    """Choose the square size whose lattice puts about ``target`` cell centres inside."""
    area = 0.5 * abs(float(np.dot(ox[:-1], oy[1:]) - np.dot(ox[1:], oy[:-1])))
    phase_x, phase_y = rng.random(2)
    size = math.sqrt(area / target)
    best: _Lattice | None = None
    for _ in range(12):
        lat = _lattice_inside(ox, oy, size, float(phase_x), float(phase_y))
        n = lat.cells_i.size
        if best is None or abs(n - target) < abs(best.cells_i.size - target):
            best = lat
        if abs(n - target) <= max(1, target // 500):
            break
        # The count scales with 1/size²; the boundary makes it a step function, so keep
        # the best of a few tries rather than insisting on an exact hit.
        size *= math.sqrt(n / target)
    assert best is not None
    return best


def _lattice_inside(
    ox: npt.NDArray[np.float64],
    oy: npt.NDArray[np.float64],
    size: float,
    phase_x: float,
    phase_y: float,
) -> _Lattice:
    x0 = float(ox.min()) - phase_x * size
    y0 = float(oy.min()) - phase_y * size
    ni = math.ceil((float(ox.max()) - x0) / size) + 1
    nj = math.ceil((float(oy.max()) - y0) / size) + 1
    gi = np.repeat(np.arange(ni, dtype=np.int64), nj)
    gj = np.tile(np.arange(nj, dtype=np.int64), ni)
    px = x0 + (gi + 0.5) * size
    py = y0 + (gj + 0.5) * size
    inside = np.zeros(px.size, dtype=bool)
    # Crossing number of every centre against every outline edge (a few hundred thousand
    # pairs at most), with the same half-open rule as the rest of the package.
    for k in range(ox.size - 1):
        xa, ya, xb, yb = ox[k], oy[k], ox[k + 1], oy[k + 1]
        if ya == yb:
            continue
        if ya > yb:
            xa, ya, xb, yb = xb, yb, xa, ya
        straddle = (py >= ya) & (py < yb)
        xint = xa + (py - ya) * ((xb - xa) / (yb - ya))
        inside ^= straddle & (px < xint)
    return _Lattice(
        x0=x0,
        y0=y0,
        size=size,
        ni=ni,
        nj=nj,
        cells_i=gi[inside].astype(np.int64),
        cells_j=gj[inside].astype(np.int64),
    )


_NEIGHBOURS = ((1, 0), (-1, 0), (0, 1), (0, -1))


def _components(ij: Sequence[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """4-connected components, each in discovery order, ordered by first member."""
    remaining = set(ij)
    out: list[list[tuple[int, int]]] = []
    for start in sorted(ij):
        if start not in remaining:
            continue
        remaining.discard(start)
        comp = [start]
        k = 0
        while k < len(comp):
            i, j = comp[k]
            k += 1
            for di, dj in _NEIGHBOURS:
                nb = (i + di, j + dj)
                if nb in remaining:
                    remaining.discard(nb)
                    comp.append(nb)
        out.append(comp)
    return out


def _communities_of(
    ij: Sequence[tuple[int, int]], rng: np.random.Generator
) -> list[list[tuple[int, int]]]:
    """Cut one street's cells into contiguous, compact groups of about four cells.

    Each connected piece of the street gets its share of communities; inside a piece,
    seeds come from a few rounds of k-means and grow one cell at a time, always the
    currently smallest group first, so groups stay contiguous and close in size. Groups
    are numbered in reading order (north to south, west to east) of their first cell.
    """
    groups: list[list[tuple[int, int]]] = []
    comps = _components(ij)
    total = max(1, round(len(ij) / CELLS_PER_COMMUNITY))
    shares = _apportion([len(c) for c in comps], total)
    for comp, k in zip(comps, shares, strict=True):
        groups.extend(_grow_groups(comp, k, rng))
    groups.sort(key=lambda g: min((-j, i) for i, j in g))
    return groups


def _apportion(sizes: Sequence[int], total: int) -> list[int]:
    """Largest-remainder shares of ``total`` proportional to ``sizes``, each at least 1."""
    whole = sum(sizes)
    quotas = [s * total / whole for s in sizes]
    shares = [max(1, math.floor(q)) for q in quotas]
    order = sorted(range(len(sizes)), key=lambda k: (shares[k] - quotas[k], k))
    for k in order[: max(0, total - sum(shares))]:
        shares[k] += 1
    return [min(s, n) for s, n in zip(shares, sizes, strict=True)]


def _grow_groups(
    comp: Sequence[tuple[int, int]], k: int, rng: np.random.Generator
) -> list[list[tuple[int, int]]]:
    if k <= 1:
        return [list(comp)]
    pts = np.array(comp, dtype=np.float64)
    px, py = pts[:, 0], pts[:, 1]
    start = rng.choice(len(comp), size=k, replace=False)
    cx, cy = px[start].copy(), py[start].copy()

    def dist2() -> npt.NDArray[np.float64]:
        return (px[:, None] - cx[None, :]) ** 2 + (py[:, None] - cy[None, :]) ** 2

    for _ in range(6):
        label = np.argmin(dist2(), axis=1)
        counts = np.bincount(label, minlength=k)
        for coord, centre in ((px, cx), (py, cy)):
            sums = np.bincount(label, weights=coord, minlength=k)
            np.divide(sums, counts, out=centre, where=counts > 0)
    # Snap each centre to the nearest cell not yet taken, in group order.
    d2 = dist2()
    nearest = np.argmin(d2, axis=0).tolist()
    taken: set[int] = set()
    seeds: list[int] = []
    for g in range(k):
        cand = nearest[g]
        if cand in taken:
            cand = next(c for c in np.argsort(d2[:, g], kind="stable").tolist() if c not in taken)
        taken.add(cand)
        seeds.append(cand)
    pos = {c: n for n, c in enumerate(comp)}
    owner = [-1] * len(comp)
    members: list[list[tuple[int, int]]] = [[] for _ in range(k)]
    frontiers: list[list[tuple[float, int]]] = [[] for _ in range(k)]
    sizes: list[tuple[int, int]] = []

    def claim(g: int, c: int) -> None:
        owner[c] = g
        members[g].append(comp[c])
        i, j = comp[c]
        sx, sy = pts[seeds[g]]
        for di, dj in _NEIGHBOURS:
            nb = pos.get((i + di, j + dj))
            if nb is not None and owner[nb] < 0:
                heapq.heappush(frontiers[g], ((i + di - sx) ** 2 + (j + dj - sy) ** 2, nb))

    for g, c in enumerate(seeds):
        claim(g, c)
        sizes.append((1, g))
    heapq.heapify(sizes)
    while sizes:
        size, g = heapq.heappop(sizes)
        frontier = frontiers[g]
        while frontier and owner[frontier[0][1]] >= 0:
            heapq.heappop(frontier)
        if not frontier:
            continue  # boxed in by its neighbours: this group is done
        claim(g, heapq.heappop(frontier)[1])
        heapq.heappush(sizes, (size + 1, g))
    # Every cell is claimed: the piece is connected and each group queues all its
    # unclaimed neighbours, so growth only stops when nothing is left.
    return members


def _reading_order(group: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    return sorted(group, key=lambda c: (-c[1], c[0]))


# Directed unit steps on the lattice, counter-clockwise: east, north, west, south.
_E, _N, _W, _S = (1, 0), (0, 1), (-1, 0), (0, -1)


def trace_lattice_rings(cells: Iterable[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Outline of a union of unit lattice squares as closed rings of lattice vertices.

    Square ``(i, j)`` spans ``[i, i+1] × [j, j+1]``. Boundary edges are directed with the
    inside on their left, so outer rings run counter-clockwise and holes clockwise (the
    GeoJSON right-hand rule). Where two squares touch only at a corner, the walk turns
    left first, which keeps the rings simple (they may touch at that vertex). Collinear
    vertices are dropped and each ring starts at its lowest-then-leftmost vertex.

    Args:
        cells: Lattice squares ``(i, j)``.

    Returns:
        Rings of ``(i, j)`` vertices, first vertex repeated at the end.
    """
    occupied = set(cells)
    # Outgoing boundary directions at each vertex.
    out: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for i, j in occupied:
        if (i, j - 1) not in occupied:
            out.setdefault((i, j), []).append(_E)
        if (i + 1, j) not in occupied:
            out.setdefault((i + 1, j), []).append(_N)
        if (i, j + 1) not in occupied:
            out.setdefault((i + 1, j + 1), []).append(_W)
        if (i - 1, j) not in occupied:
            out.setdefault((i, j + 1), []).append(_S)
    used: set[tuple[tuple[int, int], tuple[int, int]]] = set()
    rings: list[list[tuple[int, int]]] = []
    for start in sorted(out, key=lambda v: (v[1], v[0])):
        for d0 in out[start]:
            if (start, d0) in used:
                continue
            loop: list[tuple[int, int]] = []
            v, d = start, d0
            while (v, d) not in used:
                used.add((v, d))
                loop.append(v)
                nv = (v[0] + d[0], v[1] + d[1])
                dirs = out[nv]
                # Left turn first, then straight, then right: this pairs the two incoming
                # and two outgoing edges at a corner-touch vertex without crossing.
                for nd in ((-d[1], d[0]), d, (d[1], -d[0])):
                    if nd in dirs:
                        break
                else:  # pragma: no cover - a closed boundary always continues
                    raise AssertionError("open boundary")
                v, d = nv, nd
            rings.append(_simplify_loop(loop))
    rings.sort(key=lambda r: (r[0][1], r[0][0]))
    return rings


def _simplify_loop(loop: list[tuple[int, int]]) -> list[tuple[int, int]]:
    n = len(loop)
    keep: list[tuple[int, int]] = []
    for k in range(n):
        a, b, c = loop[k - 1], loop[k], loop[(k + 1) % n]
        if (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]) != 0:
            keep.append(b)
    first = min(range(len(keep)), key=lambda k: (keep[k][1], keep[k][0]))
    keep = keep[first:] + keep[:first]
    keep.append(keep[0])
    return keep
