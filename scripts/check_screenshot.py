#!/usr/bin/env python3
"""Fails unless a PNG screenshot shows a real page: decodes it with the standard library only
(zlib + PNG scanline filters) and requires enough non-background pixels and colours.

  python3 scripts/check_screenshot.py shot.png [--min-ink 0.02] [--min-colours 8]
"""
import argparse, struct, sys, zlib


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG file")
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            if depth != 8 or colour not in (2, 6):
                sys.exit(f"{path}: expected 8-bit RGB or RGBA, got depth {depth} colour type {colour}")
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride = zlib.decompress(idat), width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1: line[i] = (line[i] + a) & 255
            elif kind == 2: line[i] = (line[i] + b) & 255
            elif kind == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        previous = line
    return width, height, channels, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("png")
    ap.add_argument("--min-ink", type=float, default=0.02)
    ap.add_argument("--min-colours", type=int, default=8)
    args = ap.parse_args()
    width, height, channels, rows = decode(args.png)
    colours, ink, total = set(), 0, 0
    for line in rows[::4]:
        for x in range(0, width * channels, channels * 4):
            rgb = tuple(line[x:x + 3])
            colours.add(rgb)
            total += 1
            ink += sum(rgb) < 700  # anything visibly darker than white
    fraction = ink / max(total, 1)
    print(f"{args.png}: {width}×{height}, {len(colours)} colours, {fraction:.1%} non-white")
    if fraction < args.min_ink or len(colours) < args.min_colours:
        sys.exit(f"{args.png}: looks blank")


main()
