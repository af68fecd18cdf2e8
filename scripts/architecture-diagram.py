#!/usr/bin/env python3
"""Draws docs/images/architecture.svg from Package.swift: one box per target, arrows for
dependencies, the library's layers stacked from the C kernels up, examples and tools above.

    swift package dump-package | python3 scripts/architecture-diagram.py > docs/images/architecture.svg

`scripts/architecture-diagram.sh` does that, and `--check` fails when the committed picture is stale.
"""
import html
import json
import sys

package = json.load(sys.stdin)
targets = {t["name"]: t for t in package["targets"] if t["type"] != "test"}


def dependencies(target):
    names = []
    for dep in target["dependencies"]:
        kind, value = next(iter(dep.items()))
        names.append(value[0])
    return [n for n in names if n in targets]


# Depth of a target: the longest dependency path below it (the C kernels are 0). The umbrella
# `Backprop` sits one above the highest layer it re-exports; examples and tools above that.
depth = {}


def level(name):
    if name not in depth:
        below = [level(d) for d in dependencies(targets[name])]
        depth[name] = 1 + max(below) if below else 0
    return depth[name]


for name in targets:
    level(name)

rows = {}
for name, d in depth.items():
    rows.setdefault(d, []).append(name)

box_w, box_h, gap_x, gap_y, margin = 190, 44, 24, 46, 20
widest = max(len(r) for r in rows.values())
width = margin * 2 + widest * box_w + (widest - 1) * gap_x
height = margin * 2 + len(rows) * box_h + (len(rows) - 1) * gap_y
position = {}
for d in sorted(rows):
    names = sorted(rows[d])
    row_w = len(names) * box_w + (len(names) - 1) * gap_x
    x0 = (width - row_w) / 2
    y = height - margin - box_h - d * (box_h + gap_y)
    for i, name in enumerate(names):
        position[name] = (x0 + i * (box_w + gap_x), y)


def color(target):
    if target["type"] == "executable":
        return "#fdf1dc"
    if target["name"].startswith("Backprop") or target["name"].startswith("CBackprop"):
        return "#dcebfd"
    return "#e6f5e1"


out = [
    f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
    f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" font-size="13">',
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
    'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#667"/></marker></defs>',
    f'<rect width="{width}" height="{height}" fill="white"/>',
]
for name in sorted(targets):
    x, y = position[name]
    for dep in sorted(dependencies(targets[name])):
        dx, dy = position[dep]
        out.append(
            f'<line x1="{x + box_w / 2:.1f}" y1="{y + box_h:.1f}" x2="{dx + box_w / 2:.1f}" y2="{dy:.1f}" '
            'stroke="#99a" stroke-width="1.2" marker-end="url(#arrow)"/>'
        )
for name in sorted(targets):
    t = targets[name]
    x, y = position[name]
    path = t.get("path") or ("Sources/" + name)
    out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{box_w}" height="{box_h}" rx="6" '
               f'fill="{color(t)}" stroke="#556"/>')
    out.append(f'<text x="{x + box_w / 2:.1f}" y="{y + 18:.1f}" text-anchor="middle" font-weight="bold">'
               f'{html.escape(name)}</text>')
    out.append(f'<text x="{x + box_w / 2:.1f}" y="{y + 34:.1f}" text-anchor="middle" fill="#555" '
               f'font-size="11">{html.escape(path)}</text>')
out.append("</svg>")
print("\n".join(out))
