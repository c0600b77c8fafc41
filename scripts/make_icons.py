"""Draw the portal's app icons: a bridge on the header's blue, as SVG and as 192 and 512 pixel PNGs.

Usage: python scripts/make_icons.py  (writes services/portal/static/icons/; the files are committed)

The PNGs are drawn from the same shapes as the SVG, four samples a pixel, with the standard library only.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "services" / "portal" / "static" / "icons"
BLUE, WHITE, YELLOW = (0x12, 0x3C, 0x69), (0xFF, 0xFF, 0xFF), (0xFF, 0xBF, 0x47)
# The shapes on a 512-unit square.
CORNER = 96
DECK = (40.0, 316.0, 472.0, 352.0)  # x0, y0, x1, y1
ARCH_CENTRE, ARCH_WIDTH = (256.0, 400.0), 36.0
ARCH_RADIUS = math.hypot(DECK[2] - 18 - ARCH_CENTRE[0], ARCH_CENTRE[1] - DECK[1])  # it lands on the deck's ends
HANGERS, HANGER_WIDTH = (156.0, 256.0, 356.0), 14.0



def arch_top(x: float) -> float:
    """Return the height (y) of the arch's centre line at ``x``."""
    return ARCH_CENTRE[1] - math.sqrt(ARCH_RADIUS ** 2 - (x - ARCH_CENTRE[0]) ** 2)


SVG = f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">
  <title>Puente</title>
  <rect width="512" height="512" rx="{CORNER}" fill="#123c69"/>
  <clipPath id="above-deck"><rect width="512" height="{DECK[1] + 1:g}"/></clipPath>
  <circle cx="{ARCH_CENTRE[0]:g}" cy="{ARCH_CENTRE[1]:g}" r="{ARCH_RADIUS:.1f}" fill="none" stroke="#fff"
          stroke-width="{ARCH_WIDTH:g}" clip-path="url(#above-deck)"/>
  <g stroke="#ffbf47" stroke-width="{HANGER_WIDTH:g}">
{chr(10).join(f'    <line x1="{x:g}" y1="{arch_top(x):.1f}" x2="{x:g}" y2="{DECK[1]:g}"/>' for x in HANGERS)}
  </g>
  <rect x="{DECK[0]:g}" y="{DECK[1]:g}" width="{DECK[2] - DECK[0]:g}" height="{DECK[3] - DECK[1]:g}"
        rx="{(DECK[3] - DECK[1]) / 2:g}" fill="#fff"/>
</svg>
"""


def colour_at(x: float, y: float) -> tuple[int, int, int] | None:
    """Return the colour of the icon at (x, y) in 512 units, or None outside its rounded square."""
    cx = min(max(x, CORNER), 512 - CORNER)
    cy = min(max(y, CORNER), 512 - CORNER)
    if (x - cx) ** 2 + (y - cy) ** 2 > CORNER ** 2:
        return None
    x0, y0, x1, y1 = DECK
    r = (y1 - y0) / 2
    dx = max(x0 + r - x, 0, x - (x1 - r))
    if y0 <= y <= y1 and dx ** 2 + (y - (y0 + r)) ** 2 <= r ** 2:
        return WHITE
    distance = math.hypot(x - ARCH_CENTRE[0], y - ARCH_CENTRE[1])
    if y <= y0 + 1 and abs(distance - ARCH_RADIUS) <= ARCH_WIDTH / 2:
        return WHITE
    for hx in HANGERS:
        if abs(x - hx) <= HANGER_WIDTH / 2 and arch_top(hx) <= y <= y0:
            return YELLOW
    return BLUE


def png(size: int, samples: int = 2) -> bytes:
    """Return the icon as an RGBA PNG of ``size`` pixels (``samples``² samples a pixel, averaged)."""
    scale = 512 / size
    rows = []
    for py in range(size):
        row = bytearray([0])  # filter type: none
        for px in range(size):
            r = g = b = a = 0
            for sy in range(samples):
                for sx in range(samples):
                    c = colour_at((px + (sx + 0.5) / samples) * scale, (py + (sy + 0.5) / samples) * scale)
                    if c is not None:
                        r, g, b, a = r + c[0], g + c[1], b + c[2], a + 1
            n = samples * samples
            row += bytes((r // a, g // a, b // a, 255 * a // n)) if a else b"\0\0\0\0"
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "icon.svg").write_text(SVG)
    for size in (192, 512):
        (OUT / f"icon-{size}.png").write_bytes(png(size))
        print(f"icon-{size}.png", (OUT / f"icon-{size}.png").stat().st_size, "bytes")


if __name__ == "__main__":
    main()
