"""Reading X window dumps (``xwd`` output) and writing PNG, with numpy and the stdlib only.

``xwd -root`` grabs what the X server shows, from outside the program under test; this
turns its dump into an RGB array to look at and a PNG to keep. Only the formats a 24/32-bit
TrueColor server (Xvfb ``-screen 0 WxHx24``) produces are supported; anything else is
refused with the reason.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

_HEADER_FIELDS = 25  # CARD32s of the XWDFileHeader
_Z_PIXMAP = 2
_XWD_COLOR_SIZE = 12


def read_xwd(data: bytes) -> NDArray[np.uint8]:
    """An XWD dump (ZPixmap, 24 or 32 bits per pixel, TrueColor) as an H×W×3 RGB array.

    Raises:
        ValueError: If the dump is not in a supported format.
    """
    if len(data) < _HEADER_FIELDS * 4:
        raise ValueError("too short to be an XWD dump")
    header = struct.unpack(">25I", data[: _HEADER_FIELDS * 4])
    (header_size, version, pixmap_format, _depth, width, height) = header[:6]
    byte_order, bits_per_pixel, bytes_per_line = header[7], header[11], header[12]
    red_mask, green_mask, blue_mask = header[14:17]
    ncolors = header[19]
    if version != 7 or pixmap_format != _Z_PIXMAP:
        raise ValueError(f"unsupported XWD version {version} / format {pixmap_format}")
    if bits_per_pixel not in (24, 32):
        raise ValueError(f"unsupported {bits_per_pixel} bits per pixel")
    offset = header_size + ncolors * _XWD_COLOR_SIZE
    bytes_per_pixel = bits_per_pixel // 8
    rows = np.frombuffer(data, dtype=np.uint8, count=bytes_per_line * height, offset=offset)
    rows = rows.reshape(height, bytes_per_line)[:, : width * bytes_per_pixel]
    pixels = rows.reshape(height, width, bytes_per_pixel).astype(np.uint32)
    # Assemble each pixel's value in the dump's byte order, then pick channels by mask.
    order = range(bytes_per_pixel) if byte_order == 0 else range(bytes_per_pixel - 1, -1, -1)
    value = np.zeros((height, width), dtype=np.uint32)
    for shift, index in enumerate(order):
        value |= pixels[:, :, index] << np.uint32(8 * shift)
    channels = []
    for mask in (red_mask, green_mask, blue_mask):
        low = (mask & -mask).bit_length() - 1
        channels.append(((value & np.uint32(mask)) >> np.uint32(low)).astype(np.uint8))
    return np.stack(channels, axis=-1)


def write_png(path: Path, rgb: NDArray[np.uint8]) -> Path:
    """Writes an H×W×3 RGB array as an 8-bit PNG."""
    path.write_bytes(encode_png(rgb))
    return path


def encode_png(rgb: NDArray[np.uint8]) -> bytes:
    """An H×W×3 RGB array as the bytes of an 8-bit PNG."""
    height, width, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 6))
    png += chunk(b"IEND", b"")
    return png
