"""Point-to-cell lookup: which grid cell (or other polygon) contains a position.

The index lays a grid of buckets over the polygons. At build time each bucket is
classified once:

* a bucket that no polygon edge touches lies wholly inside one polygon or outside all of
  them, and stores that answer (its centre was tested);
* a bucket that edges touch stores its candidate polygons and, for each, only the edges
  that can change the crossing count of a point inside the bucket.

A query is then a few array passes: bucket of every point, direct answers, and for the
points in "mixed" buckets one vectorised crossing-number test over all (point, candidate
edge) pairs, folded per (point, polygon) with ``np.bitwise_xor.reduceat``. There is no
per-point Python loop.

The crossing rule is the one of :func:`models.geo.point_in_ring` (half-open, edges
evaluated from their lower end), so answers agree exactly with a brute-force test, and a
point on an edge shared by two cells belongs to exactly one of them. Where polygons
overlap, the lowest index wins.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from models.errors import InvalidInput
from models.geo import Coord
from models.geography import Cell

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_OUTSIDE = -1
_MIXED_BASE = -2  # bucket value v <= -2 means "mixed, slot -v - 2"
_CHUNK = 1 << 17  # points per batch in the mixed-bucket pass, to bound pair arrays


def _expand_ranges(starts: IntArray, counts: IntArray) -> tuple[IntArray, IntArray]:
    """For ranges ``[starts[k], starts[k] + counts[k])``: (owner k, value) of every item."""
    total = int(counts.sum())
    owner = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    if total == 0:
        return owner, np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(counts) - counts
    value = np.arange(total, dtype=np.int64) - np.repeat(offsets - starts, counts)
    return owner, value


class PolygonIndex:
    """Fast point-in-polygon lookup over many polygons (rings under the even–odd rule).

    Args:
        polygons: One sequence of closed rings ``(lon, lat)`` per polygon; a polygon may
            have several parts and holes.
        buckets_per_polygon: Target bucket count along each side of a typical polygon;
            more buckets make fewer points need an exact test, at the cost of memory.
        max_buckets: Upper bound on the bucket grid size.
    """

    def __init__(
        self,
        polygons: Sequence[Sequence[Sequence[Coord]]],
        *,
        buckets_per_polygon: int = 8,
        max_buckets: int = 4_000_000,
    ) -> None:
        if buckets_per_polygon < 1:
            raise InvalidInput("buckets_per_polygon", "must be at least 1")
        self.size = len(polygons)
        xs: list[float] = []
        ys: list[float] = []
        owners: list[int] = []
        ring_ends: list[int] = []
        for p, rings in enumerate(polygons):
            for ring in rings:
                if len(ring) < 4 or ring[0] != ring[-1]:
                    raise InvalidInput("ring", f"polygon {p}: rings must be closed, ≥ 4 positions")
                for x, y in ring:
                    xs.append(x)
                    ys.append(y)
                owners.extend([p] * (len(ring) - 1))
                ring_ends.append(len(xs))
        vx = np.array(xs, dtype=np.float64)
        vy = np.array(ys, dtype=np.float64)
        is_start = np.ones(vx.size, dtype=bool)
        if vx.size:
            # Every position except the last of each ring starts an edge.
            is_start[np.array(ring_ends, dtype=np.int64) - 1] = False
        first = np.flatnonzero(is_start)
        x0, y0, x1, y1 = vx[first], vy[first], vx[first + 1], vy[first + 1]
        owner = np.array(owners, dtype=np.int64)
        self._build(x0, y0, x1, y1, owner, buckets_per_polygon, max_buckets)

    # ------------------------------------------------------------------ build

    def _build(
        self,
        x0: FloatArray,
        y0: FloatArray,
        x1: FloatArray,
        y1: FloatArray,
        owner: IntArray,
        k: int,
        max_buckets: int,
    ) -> None:
        # Non-horizontal edges, from their lower end: the only ones a crossing test needs.
        keep = y0 != y1
        swap = y0 > y1
        lx = np.where(swap, x1, x0)[keep]
        ly = np.where(swap, y1, y0)[keep]
        ux = np.where(swap, x0, x1)[keep]
        uy = np.where(swap, y0, y1)[keep]
        self._ex = lx
        self._ey0 = ly
        self._ey1 = uy
        self._slope = (ux - lx) / (uy - ly)
        self._eowner = owner[keep]
        emaxx = np.maximum(lx, ux)
        # Non-horizontal edges of each polygon, as a CSR over polygons.
        order = np.argsort(self._eowner, kind="stable")
        self._poly_edges = order.astype(np.int64)
        counts = np.bincount(self._eowner, minlength=self.size).astype(np.int64)
        self._poly_ptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)

        if x0.size == 0:
            self._gx0 = self._gy0 = 0.0
            self._inv_bx = self._inv_by = 1.0
            self._nx = self._ny = 1
            self._answer = np.full(1, _OUTSIDE, dtype=np.int32)
            empty = np.zeros(0, dtype=np.int64)
            self._set_mixed_tables(empty, empty, empty, empty, 0)
            return

        allx = np.concatenate((x0, x1))
        ally = np.concatenate((y0, y1))
        gx0, gx1 = float(allx.min()), float(allx.max())
        gy0, gy1 = float(ally.min()), float(ally.max())
        # Typical polygon size from the bounding boxes, so buckets suit the polygons.
        pminx = np.full(self.size, np.inf)
        pmaxx = np.full(self.size, -np.inf)
        pminy = np.full(self.size, np.inf)
        pmaxy = np.full(self.size, -np.inf)
        for a, b in ((x0, y0), (x1, y1)):
            np.minimum.at(pminx, owner, a)
            np.maximum.at(pmaxx, owner, a)
            np.minimum.at(pminy, owner, b)
            np.maximum.at(pmaxy, owner, b)
        has = np.isfinite(pminx)
        width = max(gx1 - gx0, 1e-12)
        height = max(gy1 - gy0, 1e-12)
        bx = max(float(np.median((pmaxx - pminx)[has])) / k, width * 1e-7, 1e-12)
        by = max(float(np.median((pmaxy - pminy)[has])) / k, height * 1e-7, 1e-12)
        grow = math.sqrt(max(1.0, (width / bx + 1) * (height / by + 1) / max_buckets))
        bx *= grow
        by *= grow
        self._gx0, self._gy0 = gx0, gy0
        self._inv_bx, self._inv_by = 1.0 / bx, 1.0 / by
        # +1 so the maximum coordinate still falls in a bucket.
        self._nx = int((gx1 - gx0) * self._inv_bx) + 1
        self._ny = int((gy1 - gy0) * self._inv_by) + 1
        nx, ny = self._nx, self._ny
        nb = nx * ny

        # 1. Buckets touched by each edge (horizontal ones too: they split buckets).
        # Long edges are cut into bucket-sized pieces so their boxes stay tight; each
        # piece box is padded a hair so rounding can never leave a touched bucket out.
        dx = x1 - x0
        dy = y1 - y0
        pieces = np.maximum(
            1, np.ceil(np.maximum(np.abs(dx) * self._inv_bx, np.abs(dy) * self._inv_by))
        ).astype(np.int64)
        pe, pk = _expand_ranges(np.zeros(pieces.size, dtype=np.int64), pieces)
        t0 = pk / pieces[pe]
        t1 = (pk + 1) / pieces[pe]
        ax = x0[pe] + dx[pe] * t0
        ay = y0[pe] + dy[pe] * t0
        bx_ = np.where(pk + 1 == pieces[pe], x1[pe], x0[pe] + dx[pe] * t1)
        by_ = np.where(pk + 1 == pieces[pe], y1[pe], y0[pe] + dy[pe] * t1)
        pad_x = bx * 1e-6
        pad_y = by * 1e-6
        tix0, tix1 = self._col(np.minimum(ax, bx_) - pad_x), self._col(np.maximum(ax, bx_) + pad_x)
        tiy0, tiy1 = self._row(np.minimum(ay, by_) - pad_y), self._row(np.maximum(ay, by_) + pad_y)
        touch_b, touch_p = self._boxes_to_pairs(tix0, tix1, tiy0, tiy1, owner[pe])
        touch_key = np.unique(touch_b * self.size + touch_p)

        # 2. Every (bucket, polygon) pair from polygon boxes; the pairs without a touching
        # edge have the bucket wholly inside or wholly outside the polygon: test centres.
        pids = np.flatnonzero(has)
        bix0, bix1 = self._col(pminx[pids]), self._col(pmaxx[pids])
        biy0, biy1 = self._row(pminy[pids]), self._row(pmaxy[pids])
        all_b, all_p = self._boxes_to_pairs(bix0, bix1, biy0, biy1, pids)
        all_key = all_b * self.size + all_p
        free = ~np.isin(all_key, touch_key, assume_unique=False)
        fb, fp = all_b[free], all_p[free]
        cx = np.asarray(gx0 + (fb % nx + 0.5) * bx, dtype=np.float64)
        cy = np.asarray(gy0 + (fb // nx + 0.5) * by, dtype=np.float64)
        inside = self._pairs_inside(cx, cy, fp)
        enclosing = np.full(nb, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(enclosing, fb[inside], fp[inside])
        fallback = np.where(enclosing == np.iinfo(np.int64).max, _OUTSIDE, enclosing)

        # 3. Mixed buckets: candidates are the polygons with a touching edge that come
        # before any enclosing polygon, each with the edges that can matter in the bucket.
        cb = touch_key // self.size
        cp = touch_key % self.size
        before = cp < enclosing[cb]
        cb, cp = cb[before], cp[before]
        pair, e_pos = _expand_ranges(
            self._poly_ptr[cp], self._poly_ptr[cp + 1] - self._poly_ptr[cp]
        )
        e = self._poly_edges[e_pos]
        eb = cb[pair]
        b_x0 = gx0 + (eb % nx) * bx - pad_x
        b_y0 = gy0 + (eb // nx) * by - pad_y
        b_y1 = b_y0 + by + 2 * pad_y
        # An edge matters only if some point of the bucket is level with it and west of it.
        useful = (self._ey0[e] <= b_y1) & (self._ey1[e] > b_y0) & (emaxx[e] >= b_x0)
        eb, e, ep = eb[useful], e[useful], cp[pair[useful]]
        order = np.lexsort((e, ep, eb))
        eb, e, ep = eb[order], e[order], ep[order]

        answer = fallback.astype(np.int32)
        mixed_buckets = np.unique(eb)
        slot_of = np.full(nb, -1, dtype=np.int64)
        slot_of[mixed_buckets] = np.arange(mixed_buckets.size)
        answer[mixed_buckets] = (_MIXED_BASE - np.arange(mixed_buckets.size)).astype(np.int32)
        # Touched buckets where no candidate edge survived keep the fallback answer: no
        # candidate can contain any of their points.
        self._answer = answer
        es = slot_of[eb]
        eptr = np.searchsorted(es, np.arange(mixed_buckets.size + 1)).astype(np.int64)
        new_group = np.ones(es.size, dtype=bool)
        new_group[1:] = (es[1:] != es[:-1]) | (ep[1:] != ep[:-1])
        gstart = np.flatnonzero(new_group).astype(np.int64)
        gslot = es[gstart]
        gptr = np.searchsorted(gslot, np.arange(mixed_buckets.size + 1)).astype(np.int64)
        self._set_mixed_tables(
            e.astype(np.int64), eptr, gstart - eptr[gslot], gptr, int(mixed_buckets.size)
        )
        self._gpoly = ep[gstart].astype(np.int64)
        self._fallback_mixed = fallback[mixed_buckets].astype(np.int64)

    def _set_mixed_tables(
        self, elist: IntArray, eptr: IntArray, grel: IntArray, gptr: IntArray, n: int
    ) -> None:
        self._elist = elist  # candidate edges of all mixed buckets, by slot then polygon
        self._eptr = eptr if eptr.size else np.zeros(1, dtype=np.int64)
        self._grel = grel  # start of each group (polygon) relative to its slot's edges
        self._gptr = gptr if gptr.size else np.zeros(1, dtype=np.int64)
        self._gpoly = np.zeros(0, dtype=np.int64)
        self._fallback_mixed = np.zeros(0, dtype=np.int64)
        self.mixed_bucket_count = n

    def _col(self, x: FloatArray) -> IntArray:
        return np.clip(np.floor((x - self._gx0) * self._inv_bx), 0, self._nx - 1).astype(np.int64)

    def _row(self, y: FloatArray) -> IntArray:
        return np.clip(np.floor((y - self._gy0) * self._inv_by), 0, self._ny - 1).astype(np.int64)

    def _boxes_to_pairs(
        self, ix0: IntArray, ix1: IntArray, iy0: IntArray, iy1: IntArray, who: IntArray
    ) -> tuple[IntArray, IntArray]:
        """Every (bucket, who) pair for bucket-index boxes."""
        w = ix1 - ix0 + 1
        h = iy1 - iy0 + 1
        box, t = _expand_ranges(np.zeros(w.size, dtype=np.int64), w * h)
        col = ix0[box] + t % w[box]
        row = iy0[box] + t // w[box]
        return row * self._nx + col, who[box]

    def _pairs_inside(
        self, px: FloatArray, py: FloatArray, poly: IntArray
    ) -> npt.NDArray[np.bool_]:
        """Even–odd test of point k against polygon poly[k], for every k, in chunks."""
        out = np.zeros(px.size, dtype=bool)
        step = _CHUNK
        for s in range(0, px.size, step):
            sl = slice(s, s + step)
            p = poly[sl]
            cnt = self._poly_ptr[p + 1] - self._poly_ptr[p]
            pair, e_pos = _expand_ranges(self._poly_ptr[p], cnt)
            e = self._poly_edges[e_pos]
            cross = self._cross(px[sl][pair], py[sl][pair], e)
            hits = np.bincount(pair, weights=cross, minlength=cnt.size)
            out[sl] = (hits.astype(np.int64) & 1).astype(bool)
        return out

    def _cross(self, px: FloatArray, py: FloatArray, e: IntArray) -> npt.NDArray[np.bool_]:
        y0 = self._ey0[e]
        # Same expression as models.geo.point_in_ring, so both agree to the last bit.
        return (y0 <= py) & (py < self._ey1[e]) & (px < self._ex[e] + (py - y0) * self._slope[e])

    # ------------------------------------------------------------------ queries

    def locate_index(self, lon: float, lat: float) -> int:
        """Index of the polygon containing a position, or -1.

        Args:
            lon: Longitude in degrees.
            lat: Latitude in degrees.

        Returns:
            The lowest index of a polygon containing the point, or -1.
        """
        fx = (lon - self._gx0) * self._inv_bx
        fy = (lat - self._gy0) * self._inv_by
        if not (0.0 <= fx < self._nx and 0.0 <= fy < self._ny):
            return _OUTSIDE
        v = int(self._answer[int(fy) * self._nx + int(fx)])
        if v > _MIXED_BASE:
            return v
        slot = _MIXED_BASE - v
        e_base = int(self._eptr[slot])
        g_lo, g_hi = int(self._gptr[slot]), int(self._gptr[slot + 1])
        for g in range(g_lo, g_hi):
            start = e_base + int(self._grel[g])
            end = e_base + int(self._grel[g + 1]) if g + 1 < g_hi else int(self._eptr[slot + 1])
            inside = False
            for e in self._elist[start:end].tolist():
                y0 = float(self._ey0[e])
                if y0 <= lat < float(self._ey1[e]) and lon < float(self._ex[e]) + (
                    lat - y0
                ) * float(self._slope[e]):
                    inside = not inside
            if inside:
                return int(self._gpoly[g])
        return int(self._fallback_mixed[slot])

    def locate_many(self, lons: npt.ArrayLike, lats: npt.ArrayLike) -> IntArray:
        """Polygon index for every position (-1 outside every polygon).

        Args:
            lons: Longitudes in degrees (1-D).
            lats: Latitudes in degrees, same length.

        Returns:
            int64 array of polygon indices, -1 where no polygon contains the point (also
            for NaN coordinates).

        Raises:
            InvalidInput: The arrays differ in shape.
        """
        x = np.ascontiguousarray(lons, dtype=np.float64).ravel()
        y = np.ascontiguousarray(lats, dtype=np.float64).ravel()
        if x.shape != y.shape:
            raise InvalidInput("lats", f"{y.size} latitudes for {x.size} longitudes")
        fx = (x - self._gx0) * self._inv_bx
        fy = (y - self._gy0) * self._inv_by
        ok = (fx >= 0.0) & (fx < self._nx) & (fy >= 0.0) & (fy < self._ny)
        all_ok = bool(ok.all())
        if not all_ok:
            # Park out-of-grid (and NaN) points in bucket 0; their answer is reset below.
            fx = np.where(ok, fx, 0.0)
            fy = np.where(ok, fy, 0.0)
        b = fy.astype(np.int64)
        b *= self._nx
        b += fx.astype(np.int64)
        raw = self._answer[b]
        if not all_ok:
            raw[~ok] = _OUTSIDE
        result = raw.astype(np.int64)
        mixed = np.flatnonzero(raw <= _MIXED_BASE)
        for s in range(0, mixed.size, _CHUNK):
            idx = mixed[s : s + _CHUNK]
            result[idx] = self._resolve(x[idx], y[idx], _MIXED_BASE - result[idx])
        return result

    def _resolve(self, px: FloatArray, py: FloatArray, slot: IntArray) -> IntArray:
        """Exact answers for points in mixed buckets (one vectorised pass)."""
        e_lo = self._eptr[slot]
        e_cnt = self._eptr[slot + 1] - e_lo
        pair_point, e_pos = _expand_ranges(e_lo, e_cnt)
        cross = self._cross(px[pair_point], py[pair_point], self._elist[e_pos])
        # Groups (polygons) of each point, and where each starts in the pair arrays.
        g_lo = self._gptr[slot]
        g_cnt = self._gptr[slot + 1] - g_lo
        group_point, g = _expand_ranges(g_lo, g_cnt)
        pair_offset = np.cumsum(e_cnt) - e_cnt
        starts = pair_offset[group_point] + self._grel[g]
        parity = np.bitwise_xor.reduceat(cross, starts) if starts.size else cross[:0]
        hit = np.flatnonzero(parity)
        out = self._fallback_mixed[slot].copy()
        if hit.size:
            hp = group_point[hit]
            first = np.ones(hp.size, dtype=bool)
            first[1:] = hp[1:] != hp[:-1]
            out[hp[first]] = self._gpoly[g[hit[first]]]
        return out


class CellIndex(PolygonIndex):
    """Which grid cell contains a position.

    Args:
        cells: The cells, e.g. ``CityMap.cells``; answers are positions in this sequence.
        buckets_per_polygon: See :class:`PolygonIndex`.
        max_buckets: See :class:`PolygonIndex`.
    """

    def __init__(
        self,
        cells: Sequence[Cell],
        *,
        buckets_per_polygon: int = 8,
        max_buckets: int = 4_000_000,
    ) -> None:
        self.cells = tuple(cells)
        self.codes = tuple(c.code for c in self.cells)
        super().__init__(
            [(c.ring,) for c in self.cells],
            buckets_per_polygon=buckets_per_polygon,
            max_buckets=max_buckets,
        )

    def locate(self, lon: float, lat: float) -> str | None:
        """Code of the cell containing a position, or None outside the grid.

        Args:
            lon: WGS-84 longitude in degrees.
            lat: WGS-84 latitude in degrees.

        Returns:
            The cell code, or None.
        """
        i = self.locate_index(lon, lat)
        return None if i < 0 else self.codes[i]
