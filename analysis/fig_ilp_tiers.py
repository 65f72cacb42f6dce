#!/usr/bin/env python3
"""One request's latency and the ilp's assignment over two swept bandwidths, per device type and pre-loading.

Reads a sweep directory like scenarios/paper/ilp-tiers.yaml's: results.csv for the latency and
each point's plan.json for the assignment. One panel per (row value, column value), by default
the edge device type x weights.preload; in a panel, one cell per (x, y) bandwidth pair, by default
edge-hub x hub-cloud, shaded by latency and labelled with the latency (ms) and the stages' hosts in
order (initials: E = edge, H = hub, C = cloud, for example). Failed points are left out.
  python3 analysis/fig_ilp_tiers.py out/paper/ilp-tiers --out figures/ilp-tiers
"""

import os
import sys

import matplotlib.pyplot as plt
import numpy as np

import style


def add_arguments(p):
    p.add_argument("--x", default="platform.links[0].bandwidth", help="bandwidth column along x (default: %(default)s)")
    p.add_argument("--y", default="platform.links[1].bandwidth", help="bandwidth column along y (default: %(default)s)")
    p.add_argument("--rows", default="platform.hosts[0].type", help="column for the panel rows (default: %(default)s)")
    p.add_argument("--cols", default="weights.preload", help="column for the panel columns (default: %(default)s)")
    p.add_argument("--latency", default="latency_mean_s", help="latency column (default: %(default)s)")
    p.add_argument("--xlabel", default="edge-hub bandwidth (Mbit/s)", help="x axis label (default: %(default)s)")
    p.add_argument("--ylabel", default="hub-cloud bandwidth (Mbit/s)", help="y axis label (default: %(default)s)")


def initials(hosts):
    """Host name -> a short label: upper-case initials when they are unique, else the names."""
    short = {h: h[:1].upper() for h in hosts}
    return short if len(set(short.values())) == len(short) else {h: h for h in hosts}


def mbps(value):
    return style.bandwidth_Bps(value) * 8 / 1e6


def build(args):
    if len(args.inputs) != 1:
        raise style.InputError("expected one sweep directory")
    sweep = args.inputs[0]
    cols = [args.x, args.y, args.rows, args.cols, args.latency, "point"]
    df = style.ok_rows(style.read_csv(sweep, cols, name="results.csv"))
    if df.empty:
        raise style.InputError("no successful points to plot")
    if not os.path.isdir(os.path.join(sweep, "points")):
        raise style.InputError(f"{sweep}: not a sweep directory (no points/); the assignment comes from its plan.json files")

    stages, hosts = {}, set()
    for point in df["point"]:
        plan = style.read_json(os.path.join(sweep, "points", str(point), "plan.json"))
        try:
            seq = [s["hosts"][0] for s in plan["stages"]]
        except (KeyError, IndexError, TypeError):
            raise style.InputError(f"{sweep}/points/{point}/plan.json: expected stages with hosts")
        stages[point] = seq
        hosts.update(seq)
    short = initials(sorted(hosts))

    row_vals = sorted(df[args.rows].astype(str).unique())
    col_vals = sorted(df[args.cols].astype(str).unique(), reverse=True)  # true before false
    xs = sorted({mbps(v) for v in df[args.x]})
    ys = sorted({mbps(v) for v in df[args.y]})
    lat_ms = df[args.latency].astype(float) * 1e3
    vmin, vmax = float(lat_ms.min()), float(lat_ms.max())

    fig, axes = plt.subplots(len(row_vals), len(col_vals), figsize=(3.3 * len(col_vals), 2.9 * len(row_vals)),
                             squeeze=False)
    data = {"x_column": args.x, "y_column": args.y, "hosts": {h: short[h] for h in sorted(hosts)}, "panels": {}}
    image = None
    for i, rv in enumerate(row_vals):
        for j, cv in enumerate(col_vals):
            ax = axes[i][j]
            sub = df[(df[args.rows].astype(str) == rv) & (df[args.cols].astype(str) == cv)]
            grid = np.full((len(ys), len(xs)), np.nan)
            cells = []
            for _, r in sub.iterrows():
                xi, yi = xs.index(mbps(r[args.x])), ys.index(mbps(r[args.y]))
                if not np.isnan(grid[yi, xi]):
                    raise style.InputError(f"{sweep}: two points for {rv}, {cv} at ({r[args.x]}, {r[args.y]}); "
                                           "average seeds before plotting, or choose other --rows/--cols")
                ms = float(r[args.latency]) * 1e3
                grid[yi, xi] = ms
                label = "".join(short[h] for h in stages[r["point"]])
                cells.append([xs[xi], ys[yi], ms, label])
                ax.text(xi, yi, f"{ms:.0f} ms\n{label}", ha="center", va="center", fontsize=7,
                        color="white" if ms > (vmin + vmax) / 2 else "black")
            if sub.empty:
                ax.text(0.5, 0.5, "no successful point", transform=ax.transAxes, ha="center", va="center", fontsize=8)
            image = ax.imshow(grid, origin="lower", cmap="Greys", vmin=vmin, vmax=vmax, aspect="auto")
            ax.grid(False)
            ax.set_xticks(range(len(xs)), [f"{x:g}" for x in xs])
            ax.set_yticks(range(len(ys)), [f"{y:g}" for y in ys])
            ax.set_title(f"{rv}, {args.cols.split('.')[-1]} {cv}", fontsize=9)
            if i == len(row_vals) - 1:
                ax.set_xlabel(args.xlabel, fontsize=8)
            if j == 0:
                ax.set_ylabel(args.ylabel, fontsize=8)
            data["panels"][f"{rv}/{cv}"] = sorted(cells)
    legend = ", ".join(f"{short[h]} = {h}" for h in sorted(hosts) if short[h] != h)
    fig.colorbar(image, ax=axes, shrink=0.8, label="latency of one request (ms)")
    if legend:
        fig.text(0.01, 0.005, f"stages in order: {legend}", fontsize=7)
    return fig, data


if __name__ == "__main__":
    sys.exit(style.main(__doc__.splitlines()[0], add_arguments, build))
