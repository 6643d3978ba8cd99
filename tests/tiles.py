"""Small raster tile sets for basemap tests: PNG tiles and MBTiles files, stdlib and numpy only.

Each test tile is split across: its top half in one colour, its bottom half at half that
brightness, so a picture drawn upside down inside its tile is caught as well as a tile put
in the wrong place.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from console.basemap import TileKey
from tests.gui.xwd import encode_png

RGB = tuple[int, int, int]


def darker(colour: RGB) -> RGB:
    """The colour of a test tile's bottom half."""
    return (colour[0] // 2, colour[1] // 2, colour[2] // 2)


def tile_png(colour: RGB, size: int = 256) -> bytes:
    """A test tile: ``colour`` above, :func:`darker` ``colour`` below."""
    pixels = np.empty((size, size, 3), dtype=np.uint8)
    pixels[: size // 2] = colour
    pixels[size // 2 :] = darker(colour)
    return encode_png(pixels)


def write_mbtiles(
    path: Path,
    tiles: Mapping[TileKey, bytes],
    metadata: Mapping[str, str] | None = None,
) -> Path:
    """Writes an MBTiles file (schema of the MBTiles 1.3 spec; rows stored TMS-style).

    Args:
        path: The file to create.
        tiles: Tile bytes by XYZ key.
        metadata: The ``metadata`` table; ``{"format": "png"}`` when None.
    """
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute(
            "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
            " tile_data BLOB)"
        )
        db.execute("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)")
        rows = metadata if metadata is not None else {"format": "png"}
        db.executemany("INSERT INTO metadata VALUES (?, ?)", list(rows.items()))
        db.executemany(
            "INSERT INTO tiles VALUES (?, ?, ?, ?)",
            [(k.z, k.x, (1 << k.z) - 1 - k.y, data) for k, data in tiles.items()],
        )
    db.close()
    return path
