"""Simplify the vendored world map's outlines so the map page stays light.

Reads static/vendor/svg-maps-world/world.json (paths of relative `m … z` rings) and writes
world-simplified.json beside it: each ring reduced by Douglas–Peucker to TOLERANCE map
units, coordinates rounded to whole units, rings smaller than MIN_AREA dropped except a
country's largest (so every country keeps a shape, however small). Run it again after
updating the vendored file:

    .venv/bin/python scripts/simplify_world_map.py
"""

import json
import re
import sys
from pathlib import Path

FOLDER = Path(__file__).resolve().parent.parent / "static" / "vendor" / "svg-maps-world"
TOLERANCE = 0.6  # map units; the map is 1010 units wide
MIN_AREA = 4.0  # square map units


def rings(path):
    """Absolute rings of a path made of relative `m` moves, implicit lines and `z`."""
    found, x, y, start = [], 0.0, 0.0, (0.0, 0.0)
    for part in re.findall(r"m([^mz]*)z?", path):
        numbers = [float(n) for n in re.findall(r"-?\d*\.?\d+(?:e-?\d+)?", part)]
        pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
        if not pairs:
            continue
        x, y = start[0] + pairs[0][0], start[1] + pairs[0][1]
        ring = [(x, y)]
        for dx, dy in pairs[1:]:
            x, y = x + dx, y + dy
            ring.append((x, y))
        start = ring[0]  # after `z` the pen is back at the ring's first point
        found.append(ring)
    return found


def area(ring):
    return (
        abs(
            sum(
                x1 * y2 - x2 * y1
                for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True)
            )
        )
        / 2
    )


def _distance(point, a, b):
    (px, py), (ax, ay), (bx, by) = point, a, b
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
    return abs(dy * px - dx * py + bx * ay - by * ax) / (dx * dx + dy * dy) ** 0.5


def simplify(points, tolerance):
    """Douglas–Peucker, iterative."""
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        index, farthest = None, tolerance
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > farthest:
                index, farthest = i, d
        if index is not None:
            keep.add(index)
            stack += [(first, index), (index, last)]
    return [points[i] for i in sorted(keep)]


def ring_path(ring):
    # Split a closed ring in two so Douglas–Peucker has distinct ends.
    half = len(ring) // 2
    points = simplify(ring[: half + 1], TOLERANCE)[:-1] + simplify(ring[half:], TOLERANCE)
    rounded = []
    for x, y in points:
        point = (round(x), round(y))
        if not rounded or point != rounded[-1]:
            rounded.append(point)
    if len(rounded) > 1 and rounded[0] == rounded[-1]:
        rounded.pop()
    if len(rounded) < 3:
        x, y = rounded[0]
        rounded = [(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1)]  # a dot a unit wide
    (x, y), steps = rounded[0], []
    for (ax, ay), (bx, by) in zip(rounded, rounded[1:], strict=False):
        steps.append(f"{bx - ax} {by - ay}")
    return f"M{x} {y}l" + " ".join(steps) + "z"


def simplified_path(path):
    shapes = rings(path)
    largest = max(shapes, key=area)
    kept = [ring for ring in shapes if ring is largest or area(ring) >= MIN_AREA]
    return "".join(ring_path(ring) for ring in kept)


def main():
    data = json.loads((FOLDER / "world.json").read_text(encoding="utf-8"))
    for location in data["locations"]:
        location["path"] = simplified_path(location["path"])
    data["label"] += " (simplified by scripts/simplify_world_map.py)"
    out = FOLDER / "world-simplified.json"
    out.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    sys.stdout.write(f"{out}: {out.stat().st_size} bytes\n")


if __name__ == "__main__":
    main()
