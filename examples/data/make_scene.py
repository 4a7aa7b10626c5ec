#!/usr/bin/env python3
"""Draws the synthetic photo used by examples/edge_detector.json: a small RGB scene (sky, sun,
house with a roof and a window, a tree and grass) with soft shading, written as scene.png with
only the standard library. Rerun to regenerate; the output is deterministic."""
import math
import struct
import zlib
from pathlib import Path

WIDTH, HEIGHT = 96, 64


def pixel(x, y):
    # Sky: a vertical gradient; grass below the horizon with gentle stripes.
    if y >= 46:
        stripe = 12 if (x // 6 + y // 3) % 2 else 0
        color = (60 + stripe, 140 + stripe, 50)
    else:
        t = y / 46
        color = (int(110 + 90 * t), int(160 + 60 * t), 235)
    # Sun: a disc with a soft rim.
    d = math.hypot(x - 78, y - 12)
    if d < 8:
        color = (250, 220, 90)
    elif d < 9.5:
        color = tuple(int(c * 0.5 + s * 0.5) for c, s in zip(color, (250, 220, 90)))
    # House body and door.
    if 20 <= x < 50 and 30 <= y < 52:
        color = (200, 120, 80)
        if 31 <= x < 38 and 40 <= y < 52:
            color = (90, 60, 40)
        if 41 <= x < 47 and 34 <= y < 40:
            color = (170, 210, 240)
    # Roof: a triangle over the house.
    if 14 <= y < 30 and abs(x - 35) <= (y - 14) + 1 and 17 <= x < 53:
        color = (150, 40, 40)
    # Tree: trunk and round crown.
    if 63 <= x < 67 and 38 <= y < 52:
        color = (100, 70, 40)
    if math.hypot(x - 65, y - 32) < 8:
        color = (40, 110, 45)
    return color


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def main():
    rows = b"".join(b"\x00" + bytes(v for x in range(WIDTH) for v in pixel(x, y)) for y in range(HEIGHT))
    png = (b"\x89PNG\r\n\x1a\n"
           + png_chunk(b"IHDR", struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0))
           + png_chunk(b"IDAT", zlib.compress(rows, 9))
           + png_chunk(b"IEND", b""))
    (Path(__file__).parent / "scene.png").write_bytes(png)


if __name__ == "__main__":
    main()
