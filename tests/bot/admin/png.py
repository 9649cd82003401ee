"""Just enough PNG decoding to look at a browser's screenshot (8-bit RGB or RGBA, not
interlaced): the pixels as a numpy array, with no imaging library to install."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

CHANNELS = {2: 3, 6: 4}  # colour type -> bytes per pixel


def read_png(path: Path) -> np.ndarray:
    """(height, width, 3) uint8 RGB pixels."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, compressed = 8, b""
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in CHANNELS and not interlace, (depth, colour)
        elif kind == b"IDAT":
            compressed += body
    bpp = CHANNELS[colour]
    stride = width * bpp
    raw = np.frombuffer(zlib.decompress(compressed), dtype=np.uint8).reshape(height, stride + 1)
    pixels = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        kind, line = raw[y, 0], raw[y, 1:]
        if kind == 0:
            row = line.copy()
        elif kind == 2:  # Up
            row = line + previous
        elif kind == 1:  # Sub: a running sum per channel
            row = np.cumsum(line.reshape(width, bpp), axis=0, dtype=np.uint64) % 256
            row = row.astype(np.uint8).reshape(stride)
        else:  # Average (3) or Paeth (4): each byte depends on the one before
            row = _sequential(kind, line.tolist(), previous.tolist(), bpp)
        pixels[y] = row
        previous = row
    return pixels.reshape(height, width, bpp)[:, :, :3]


def _sequential(kind: int, line: list[int], up: list[int], bpp: int) -> np.ndarray:
    out = [0] * len(line)
    for i, value in enumerate(line):
        left = out[i - bpp] if i >= bpp else 0
        if kind == 3:
            out[i] = (value + (left + up[i]) // 2) & 0xFF
            continue
        corner = up[i - bpp] if i >= bpp else 0
        p = left + up[i] - corner
        pa, pb, pc = abs(p - left), abs(p - up[i]), abs(p - corner)
        predictor = left if pa <= pb and pa <= pc else up[i] if pb <= pc else corner
        out[i] = (value + predictor) & 0xFF
    return np.array(out, dtype=np.uint8)
