"""Inline SVG for ``kg report``: bar charts, a stacked chart, small line charts and a
co-author network.

Pure functions from numbers to markup. The network layout is computed here, in Python, by a
fixed number of force-directed steps from a fixed start, so the same graph always gives the
same picture (and the same bytes). Colours come from CSS classes (``c0``..``c7``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from kg.report.html import e

PALETTE_SIZE = 8


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def bar_chart(
    ident: str, title: str, bars: Sequence[tuple[str, int]], unit: str = "paper", units: str = ""
) -> str:
    """Vertical bars with their values on top, labels underneath; ``<title>`` tooltips."""
    if not bars:
        return '<p class="empty">No data for a chart.</p>\n'
    width, height, left, bottom, top = 640.0, 220.0, 36.0, 28.0, 18.0
    peak = max(1, max(v for _, v in bars))
    step = (width - left - 8) / len(bars)
    bar = max(2.0, min(step * 0.7, 56.0))
    every = max(1, math.ceil(len(bars) / 16))  # at most ~16 axis labels
    parts = [_axis(width, height, left, bottom, top, peak)]
    for i, (label, value) in enumerate(bars):
        x = left + i * step + (step - bar) / 2
        h = (height - bottom - top) * value / peak
        y = height - bottom - h
        noun = unit if value == 1 else (units or unit + "s")
        parts.append(
            f'<rect class="bar" x="{_num(x)}" y="{_num(y)}" width="{_num(bar)}" '
            f'height="{_num(h)}"><title>{e(label)}: {value} {e(noun)}</title></rect>'
        )
        cx = _num(x + bar / 2)
        if value:
            parts.append(f'<text class="value" x="{cx}" y="{_num(y - 4)}">{value}</text>')
        if i % every == 0:
            parts.append(f'<text class="label" x="{cx}" y="{_num(height - 10)}">{e(label)}</text>')
    return _figure(ident, title, width, height, parts, "bar-chart")


def hbar_chart(ident: str, title: str, bars: Sequence[tuple[str, int]]) -> str:
    """Horizontal bars, one row per label (for long labels such as class names)."""
    if not bars:
        return '<p class="empty">No data for a chart.</p>\n'
    row, left, right = 22.0, 190.0, 60.0
    width, height = 640.0, row * len(bars) + 8
    peak = max(1, max(v for _, v in bars))
    parts = []
    for i, (label, value) in enumerate(bars):
        y = 4 + i * row
        w = (width - left - right) * value / peak
        parts.append(
            f'<text class="hlabel" x="{_num(left - 6)}" y="{_num(y + 15)}">{e(label)}</text>'
            f'<rect class="bar" x="{_num(left)}" y="{_num(y + 3)}" width="{_num(max(w, 1))}" '
            f'height="{_num(row - 6)}"><title>{e(label)}: {value}</title></rect>'
            f'<text class="hvalue" x="{_num(left + w + 4)}" y="{_num(y + 15)}">{value}</text>'
        )
    return _figure(ident, title, width, height, parts, "bar-chart")


def stacked_chart(
    ident: str, title: str, columns: Sequence[str], series: Sequence[tuple[str, Sequence[int]]]
) -> str:
    """Stacked vertical bars (``series``: label and one count per column) and a legend."""
    totals = [sum(counts[i] for _, counts in series) for i in range(len(columns))]
    if not columns or not any(totals):
        return '<p class="empty">No data for a chart.</p>\n'
    width, height, left, bottom, top = 640.0, 220.0, 36.0, 28.0, 18.0
    peak = max(totals)
    step = (width - left - 8) / len(columns)
    bar = max(2.0, min(step * 0.7, 56.0))
    every = max(1, math.ceil(len(columns) / 16))
    parts = [_axis(width, height, left, bottom, top, peak)]
    for i, column in enumerate(columns):
        x = left + i * step + (step - bar) / 2
        y = height - bottom
        for s, (label, counts) in enumerate(series):
            if not counts[i]:
                continue
            h = (height - bottom - top) * counts[i] / peak
            y -= h
            parts.append(
                f'<rect class="bar c{s % PALETTE_SIZE}" x="{_num(x)}" y="{_num(y)}" '
                f'width="{_num(bar)}" height="{_num(h)}"><title>{e(column)}, {e(label)}: '
                f"{counts[i]}</title></rect>"
            )
        cx = _num(x + bar / 2)
        if totals[i]:
            parts.append(f'<text class="value" x="{cx}" y="{_num(y - 4)}">{totals[i]}</text>')
        if i % every == 0:
            parts.append(f'<text class="label" x="{cx}" y="{_num(height - 10)}">{e(column)}</text>')
    legend = "".join(
        f'<li><span class="swatch c{s % PALETTE_SIZE}"></span>{e(label)}</li>'
        for s, (label, _) in enumerate(series)
    )
    return _figure(
        ident, title, width, height, parts, "bar-chart", f'<ul class="legend">{legend}</ul>'
    )


def _axis(width: float, height: float, left: float, bottom: float, top: float, peak: int) -> str:
    """The baseline and three value ticks (0, half, peak) on the left."""
    base = height - bottom
    parts = [
        f'<line class="axis" x1="{_num(left)}" y1="{_num(base)}" x2="{_num(width - 4)}" '
        f'y2="{_num(base)}"/>'
    ]
    for value in sorted({0, peak // 2, peak}):
        y = base - (base - top) * value / max(peak, 1)
        parts.append(f'<text class="tick" x="{_num(left - 6)}" y="{_num(y + 4)}">{value}</text>')
    return "".join(parts)


def _figure(
    ident: str,
    title: str,
    width: float,
    height: float,
    parts: Sequence[str],
    cls: str,
    after: str = "",
    desc: str = "",
    caption: str = "",
) -> str:
    described = f' aria-describedby="{e(ident)}-desc"' if desc else ""
    description = f'<desc id="{e(ident)}-desc">{e(desc)}</desc>\n' if desc else ""
    return (
        f'<figure class="chart" id="{e(ident)}">\n<div class="scroll">'
        f'<svg class="{e(cls)}" viewBox="0 0 {_num(width)} {_num(height)}" role="img" '
        f'aria-labelledby="{e(ident)}-title"{described}>'
        f'<title id="{e(ident)}-title">{e(title)}</title>\n{description}'
        + "\n".join(parts)
        + f"\n</svg></div>\n<figcaption>{e(caption or title)}</figcaption>\n{after}</figure>\n"
    )


# -- a small line chart ----------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One value of a line chart: its column label (a date), the number, the text shown."""

    label: str
    value: float | None  # None: nothing observed here, the line breaks
    text: str = ""


LABELLED_POINTS = 6  # above this, only the first, last, lowest and highest values are written


def line_chart(ident: str, title: str, points: Sequence[Point], caption: str = "") -> str:
    """A small line chart, one column per point in the order given, evenly spaced (so two
    points on one date stay apart). The value axis spans the values seen, not zero up: the
    chart shows change, and the lowest and highest values are written on the axis."""
    known = [(i, p.value, p.text) for i, p in enumerate(points) if p.value is not None]
    if not known:
        return '<p class="empty">No data for a chart.</p>\n'
    # margins wide enough for a date label centred under the first and the last point
    width, height, left, right, bottom, top = 300.0, 150.0, 48.0, 34.0, 26.0, 20.0
    values = [v for _, v, _ in known]
    low, high = min(values), max(values)
    step = (width - left - right) / max(len(points) - 1, 1)

    def x_of(i: int) -> float:
        return left + i * step if len(points) > 1 else (left + width - right) / 2

    def y_of(value: float) -> float:
        if high == low:  # a flat line sits in the middle
            return (top + height - bottom) / 2
        return top + (high - value) / (high - low) * (height - bottom - top)

    base = height - bottom
    parts = [
        f'<line class="axis" x1="{_num(left)}" y1="{_num(base)}" x2="{_num(width - 4)}" '
        f'y2="{_num(base)}"/>'
    ]
    ticks = {v: text for _, v, text in known}
    for value in sorted({low, high}):
        parts.append(
            f'<text class="tick" x="{_num(left - 6)}" y="{_num(y_of(value) + 4)}">'
            f"{e(ticks[value])}</text>"
        )
    for run in _runs(points):
        if len(run) > 1:
            coords = " ".join(f"{_num(x_of(i))},{_num(y_of(v))}" for i, v in run)
            parts.append(f'<polyline class="line" points="{coords}"/>')
    named = {i for i, _, _ in known}
    if len(known) > LABELLED_POINTS:
        by_value = sorted((v, i) for i, v, _ in known)
        named = {known[0][0], known[-1][0], by_value[0][1], by_value[-1][1]}
    every = max(1, math.ceil(len(points) / 4))  # about four dates fit under 300 units
    for i, point in enumerate(points):
        x = _num(x_of(i))
        if point.value is not None:
            y = y_of(point.value)
            parts.append(
                f'<circle class="point" cx="{x}" cy="{_num(y)}" r="3.5" '
                f'data-label="{e(point.label)}" data-value="{point.value:.15g}">'
                f"<title>{e(point.label)}: {e(point.text)}</title></circle>"
            )
            if i in named:
                parts.append(
                    f'<text class="value" x="{x}" y="{_num(y - 7)}">{e(point.text)}</text>'
                )
        if (len(points) - 1 - i) % every == 0:  # the newest date is always written
            parts.append(
                f'<text class="label" x="{x}" y="{_num(height - 8)}">{e(point.label)}</text>'
            )
    desc = "; ".join(f"{p.label}: {p.text or 'not shown'}" for p in points) + "."
    return _figure(ident, title, width, height, parts, "line-chart", desc=desc, caption=caption)


def _runs(points: Sequence[Point]) -> list[list[tuple[int, float]]]:
    """The stretches of consecutive points that have a value (the line breaks between them)."""
    runs: list[list[tuple[int, float]]] = [[]]
    for i, point in enumerate(points):
        if point.value is None:
            runs.append([])
        else:
            runs[-1].append((i, point.value))
    return [run for run in runs if run]


# -- the co-author network -------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    key: str
    label: str
    href: str | None = None
    weight: int = 0  # papers shared with the centre (the centre: its own papers)
    center: bool = False
    ambiguous: bool = False


FORCE_NODES = 6  # networks of up to this many nodes are laid out by forces; larger, a ring


@lru_cache(maxsize=1024)
def layout(
    count: int, edges: tuple[tuple[int, int, int], ...], iterations: int = 150
) -> tuple[tuple[float, float], ...]:
    """Positions in [-1, 1]² for nodes 0..count-1 (node 0, the centre, pinned at the origin).

    Small networks: Fruchterman-Reingold from a fixed start (the others evenly on a circle,
    in order), with a linearly cooling step. Its cost grows with the square of the nodes
    times the steps (a quarter of a second for 40 nodes in Python), so larger networks go
    on a ring instead (``ring``). No randomness: the result depends only on the input (and
    is cached: many people share the same small network shape).
    """
    if count == 0:
        return ()
    if count > FORCE_NODES:
        return ring(count, edges)
    pos = [(0.0, 0.0)] + [
        (math.cos(2 * math.pi * i / (count - 1)), math.sin(2 * math.pi * i / (count - 1)))
        for i in range(count - 1)
    ]
    k = 2.0 / math.sqrt(count)
    for step in range(iterations):
        heat = 0.12 * (1 - step / iterations) + 0.002
        force = [[0.0, 0.0] for _ in range(count)]
        for i in range(count):
            for j in range(i + 1, count):
                dx, dy = pos[i][0] - pos[j][0], pos[i][1] - pos[j][1]
                dist = math.hypot(dx, dy) or 1e-6
                push = k * k / dist
                force[i][0] += dx / dist * push
                force[i][1] += dy / dist * push
                force[j][0] -= dx / dist * push
                force[j][1] -= dy / dist * push
        for a, b, w in edges:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            dist = math.hypot(dx, dy) or 1e-6
            pull = dist * dist / k * (1 + math.log(w))
            force[a][0] -= dx / dist * pull
            force[a][1] -= dy / dist * pull
            force[b][0] += dx / dist * pull
            force[b][1] += dy / dist * pull
        for i in range(1, count):
            fx, fy = force[i]
            size = math.hypot(fx, fy) or 1e-6
            move = min(size, heat)
            x = pos[i][0] + fx / size * move
            y = pos[i][1] + fy / size * move
            pos[i] = (max(-1.0, min(1.0, x)), max(-1.0, min(1.0, y)))
    return tuple(pos)


def ring(count: int, edges: Sequence[tuple[int, int, int]]) -> tuple[tuple[float, float], ...]:
    """The centre at the origin, the others on a ring around it in an order that keeps
    people who share papers side by side: from node 1 (the closest co-author), each next
    one is, of the unplaced nodes linked to one already placed, the one sharing most papers
    with the last placed, then with all placed (ties: the lower number, the closer
    co-author); a node linked to none starts a new group. On a large ring every other node
    sits a little inside, so neighbouring labels do not collide. Quadratic in the nodes:
    for 40 nodes about a millisecond."""
    links: dict[int, dict[int, int]] = {i: {} for i in range(1, count)}
    for a, b, w in edges:
        if a and b and a != b:
            links[a][b] = links[a].get(b, 0) + w
            links[b][a] = links[b].get(a, 0) + w
    order = [1]
    left = set(range(2, count))
    pull = dict(links[1])  # unplaced node -> papers it shares with the placed ones
    while left:
        last = links[order[-1]]
        linked = [j for j in left if pull.get(j)]
        best = min(linked or left, key=lambda j: (-last.get(j, 0), -pull.get(j, 0), j))
        order.append(best)
        left.remove(best)
        for other, w in links[best].items():
            pull[other] = pull.get(other, 0) + w
    pos = [(0.0, 0.0)] * count
    others = count - 1
    for place, node in enumerate(order):
        angle = -math.pi / 2 + 2 * math.pi * place / others
        radius = 0.82 if place % 2 and others >= 16 else 1.0
        pos[node] = (radius * math.cos(angle), radius * math.sin(angle))
    return tuple(pos)


def network_svg(
    ident: str, title: str, nodes: Sequence[Node], edges: Sequence[tuple[int, int, int]]
) -> str:
    """The network as inline SVG: edges (width by shared papers) under linked, labelled
    nodes. ``data-a``/``data-b`` and ``data-node`` let report.js highlight a neighbourhood."""
    width, height, margin = 720.0, 480.0, 90.0
    points = layout(len(nodes), tuple(sorted(edges)))
    xs = [p[0] for p in points] or [0.0]
    ys = [p[1] for p in points] or [0.0]
    span_x = max(max(xs) - min(xs), 1e-6)
    span_y = max(max(ys) - min(ys), 1e-6)

    def place(p: tuple[float, float]) -> tuple[float, float]:
        x = (
            margin + (p[0] - min(xs)) / span_x * (width - 2 * margin)
            if len(nodes) > 1
            else width / 2
        )
        y = 30 + (p[1] - min(ys)) / span_y * (height - 60) if len(nodes) > 1 else height / 2
        return x, y

    placed = [place(p) for p in points]
    peak = max([w for _, _, w in edges] or [1])
    parts = []
    for a, b, w in sorted(edges):
        (x1, y1), (x2, y2) = placed[a], placed[b]
        parts.append(
            f'<line class="edge" data-a="{a}" data-b="{b}" x1="{_num(x1)}" y1="{_num(y1)}" '
            f'x2="{_num(x2)}" y2="{_num(y2)}" stroke-width="{_num(1 + 3 * w / peak)}">'
            f"<title>{e(nodes[a].label)} – {e(nodes[b].label)}: "
            f"{w} shared paper{'s' if w != 1 else ''}</title></line>"
        )
    top = max([n.weight for n in nodes[1:]] or [1])
    cx = placed[0][0] if placed else width / 2
    for i, (node, (x, y)) in enumerate(zip(nodes, placed, strict=True)):
        radius = 14.0 if node.center else 5.0 + 6.0 * node.weight / max(top, 1)
        cls = "node" + (" center" if node.center else "") + (" ambiguous" if node.ambiguous else "")
        anchor = "middle" if node.center else ("end" if x < cx - 1 else "start")
        dx = 0.0 if node.center else (-(radius + 4) if anchor == "end" else radius + 4)
        dy = radius + 14 if node.center else 4.0
        what = "own papers" if node.center else "shared papers"
        label = (
            f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(radius)}"/>'
            f'<text x="{_num(x + dx)}" y="{_num(y + dy)}" text-anchor="{anchor}">'
            f"{e(node.label)}</text><title>{e(node.label)}: {node.weight} {what}</title>"
        )
        if node.href:
            label = f'<a href="{e(node.href)}">{label}</a>'
        parts.append(f'<g class="{cls}" data-node="{i}">{label}</g>')
    return (
        f'<figure class="network-figure" id="{e(ident)}">\n<div class="scroll">'
        f'<svg class="network" viewBox="0 0 {_num(width)} {_num(height)}" role="img" '
        f'aria-labelledby="{e(ident)}-title"><title id="{e(ident)}-title">{e(title)}</title>\n'
        + "\n".join(parts)
        + f"\n</svg></div>\n<figcaption>{e(title)}</figcaption>\n</figure>\n"
    )
