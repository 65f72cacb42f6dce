#!/usr/bin/env python3
"""Energy per inference against bottleneck (slowest stage), with Pareto fronts.

Inputs: results.csv files or sweep directories (one marker per point, one front per series),
and/or pareto.csv files or run directories whose plan.json has a `pareto` list
(pipeedge-energy with `pareto: true`): every candidate plan, its front, the chosen plan ringed.
Bottleneck is the measured period 1/throughput_rps unless --x names a column
(for instance predicted_bottleneck_s).
  python3 analysis/fig_pareto.py out/paper/energy --out figures/pareto
"""

import glob
import os
import sys

import matplotlib.pyplot as plt

import style


def add_arguments(p):
    p.add_argument("--x", help="bottleneck column in results.csv (default: 1 / throughput_rps)")
    p.add_argument("--series", help="column naming the series (default: partitioner.name or partitioner)")


def front(points):
    """Points not dominated in (x, y), both minimised, sorted by x."""
    out = []
    best_y = float("inf")
    for x, y in sorted(points):
        if y < best_y:
            out.append([x, y])
            best_y = y
    return out


def pareto_sources(path):
    """(label, DataFrame with bottleneck_s, energy_j, chosen) of a pareto.csv, plan.json, or directory of them."""
    if os.path.isfile(path):
        if path.endswith(".json"):
            return [_from_plan(path)]
        return [(_label(path), style.read_csv(path, ["bottleneck_s", "energy_j", "chosen"]))]
    out = []
    for p in sorted(glob.glob(os.path.join(path, "pareto.csv")) + glob.glob(os.path.join(path, "points", "*", "pareto.csv"))):
        out.append((_label(p), style.read_csv(p, ["bottleneck_s", "energy_j", "chosen"])))
    for p in sorted(glob.glob(os.path.join(path, "plan.json")) + glob.glob(os.path.join(path, "points", "*", "plan.json"))):
        src = _from_plan(p)
        if src is not None:
            out.append(src)
    return [s for s in out if s is not None]


def _label(p):
    return os.path.basename(os.path.dirname(os.path.abspath(p)))


def _from_plan(p):
    import pandas as pd
    plan = style.read_json(p)
    rows = plan.get("pareto")
    if not rows:
        return None
    df = pd.DataFrame(rows)
    missing = [c for c in ("bottleneck_s", "energy_j", "chosen") if c not in df.columns]
    if missing:
        raise style.InputError(f"{p}: pareto entries lack {', '.join(missing)}")
    return (_label(p), df)


def build(args):
    fig, ax = plt.subplots(figsize=(5.0, 3.6))
    data = {"points": {}, "fronts": {}, "candidates": {}, "chosen": {}}
    i = 0
    for path in args.inputs:
        is_results = (os.path.isfile(path) and os.path.basename(path) == "results.csv") or \
            (os.path.isdir(path) and os.path.isfile(os.path.join(path, "results.csv")))
        if is_results:
            df = style.read_csv(path, ["energy_per_inference_j"] + ([args.x] if args.x else ["throughput_rps"]),
                                name="results.csv")
            scol = style.series_column(df, args.series)
            df = style.ok_rows(df)
            for name, g in df.groupby(df[scol].astype(str), sort=True):
                xs = g[args.x] if args.x else 1.0 / g["throughput_rps"]
                pts = sorted([style.clean(x), style.clean(y)] for x, y in zip(xs, g["energy_per_inference_j"]))
                st = style.line_style(i)
                ax.plot([p[0] for p in pts], [p[1] for p in pts], linestyle="none", marker=st["marker"],
                        color=st["color"], markerfacecolor="white", label=f"{name}")
                fr = front([tuple(p) for p in pts])
                ax.step([p[0] for p in fr], [p[1] for p in fr], where="post", color=st["color"],
                        linestyle=st["linestyle"], linewidth=1.0)
                data["points"][name] = pts
                data["fronts"][name] = fr
                i += 1
        sources = pareto_sources(path) if os.path.isdir(path) or not is_results else []
        # Points of a sweep often share one predicted front (the slack only moves the choice): draw each
        # distinct candidate set once, with every chosen plan on it ringed.
        groups = []
        for label, df in sources:
            pts = sorted([style.clean(x), style.clean(y)] for x, y in zip(df["bottleneck_s"], df["energy_j"]))
            chosen = [[style.clean(x), style.clean(y)] for x, y, c in zip(df["bottleneck_s"], df["energy_j"], df["chosen"])
                      if str(c).lower() in ("1", "true")]
            same = next((g for g in groups if g[1] == pts), None)
            if same:
                same[2].extend(c for c in chosen if c not in same[2])
                same[3] += 1
            else:
                groups.append([label, pts, chosen, 1])
        for label, pts, chosen, count in groups:
            chosen.sort()
            if count > 1:
                label = f"{label} (+{count - 1} identical)"
            st = style.line_style(i)
            ax.plot([p[0] for p in pts], [p[1] for p in pts], linestyle="none", marker=st["marker"], markersize=3,
                    color=st["color"], alpha=0.6)
            fr = front([tuple(p) for p in pts])
            ax.step([p[0] for p in fr], [p[1] for p in fr], where="post", color=st["color"], linestyle=st["linestyle"],
                    label=f"predicted front {label}")
            if chosen:
                ax.plot([p[0] for p in chosen], [p[1] for p in chosen], linestyle="none", marker="o", markersize=10,
                        markerfacecolor="none", markeredgecolor="black", markeredgewidth=1.2)
            data["candidates"][label] = pts
            data["fronts"][label] = fr
            data["chosen"][label] = chosen
            i += 1
    if i == 0:
        raise style.InputError("nothing to plot: no results.csv rows and no pareto.csv or plan.json pareto lists")
    ax.set_xlabel("bottleneck: slowest stage period (s)" if not args.x else f"{args.x} (s)")
    ax.set_ylabel("energy per inference (J)")
    ax.legend(loc="best")
    fig.tight_layout()
    return fig, data


if __name__ == "__main__":
    sys.exit(style.main(__doc__.splitlines()[0], add_arguments, build))
