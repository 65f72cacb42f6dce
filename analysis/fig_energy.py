#!/usr/bin/env python3
"""Energy breakdown by host and link: one stacked bar per run.

Reads energy.csv of one or more runs (files or run directories; sweep directories give one bar
per point). Segments are entities, hatched and shaded; with --active-only, entities the plan
does not use (energy.csv column `active` = 0) are merged into one "unused (idle)" segment.
Energy is per inference when summary.json gives requests_completed, else the total (--total).
  python3 analysis/fig_energy.py out/a out/b --labels pipeedge,single --out figures/energy
"""

import glob
import os
import sys

import matplotlib.pyplot as plt

import style


def add_arguments(p):
    p.add_argument("--labels", help="comma-separated bar labels (default: directory names)")
    p.add_argument("--active-only", action="store_true", help="merge unused entities into one segment")
    p.add_argument("--total", action="store_true", help="total energy of the run instead of per inference")
    p.add_argument("--label-key", help="for sweep directories: label each bar with this parameter of the point "
                                       "(from point.json), bars sorted by it")


def runs(inputs):
    out = []
    for p in inputs:
        if os.path.isdir(p) and not os.path.isfile(os.path.join(p, "energy.csv")) and os.path.isdir(os.path.join(p, "points")):
            out.extend(sorted(d for d in glob.glob(os.path.join(p, "points", "*")) if os.path.isfile(os.path.join(d, "energy.csv"))))
        else:
            out.append(p)
    return out


def sort_key(label):
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


def build(args):
    paths = runs(args.inputs)
    if args.label_key:
        labels = []
        for p in paths:
            params = style.read_json(p, "point.json").get("params", {})
            if args.label_key not in params:
                raise style.InputError(f"{p}/point.json: no parameter {args.label_key} (has: {', '.join(params)})")
            labels.append(str(params[args.label_key]))
        order_ = sorted(range(len(paths)), key=lambda i: sort_key(labels[i]))
        paths = [paths[i] for i in order_]
        labels = [labels[i] for i in order_]
    elif args.labels:
        labels = args.labels.split(",")
    else:
        labels = [os.path.basename(os.path.normpath(os.path.dirname(p) if os.path.isfile(p) else p)) for p in paths]
    if len(labels) != len(paths):
        raise style.InputError(f"--labels gives {len(labels)} labels for {len(paths)} runs")
    bars = {}
    order = []
    per_inference = not args.total
    for path, label in zip(paths, labels):
        df = style.read_csv(path, ["entity", "kind", "energy_j"], name="energy.csv")
        divisor = 1.0
        if per_inference:
            run_dir = os.path.dirname(df.attrs["path"])
            summary = os.path.join(run_dir, "summary.json")
            if not os.path.isfile(summary):
                raise style.InputError(f"{run_dir}: no summary.json to divide by requests (use --total)")
            n = style.read_json(summary).get("requests_completed")
            if not n:
                raise style.InputError(f"{summary}: no requests_completed (use --total)")
            divisor = float(n)
        seg = {}
        for _, r in df.iterrows():
            name = f"{r['entity']} ({r['kind']})"
            if args.active_only and "active" in df.columns and int(r["active"]) == 0:
                name = "unused (idle)"
            seg[name] = seg.get(name, 0.0) + float(r["energy_j"]) / divisor
            if name not in order:
                order.append(name)
        bars[label] = seg
    # Hosts first, then links, "unused" last: the file order already lists hosts before links.
    if "unused (idle)" in order:
        order.remove("unused (idle)")
        order.append("unused (idle)")
    fig, ax = plt.subplots(figsize=(max(3.5, 1.0 + 0.9 * len(bars)), 3.8))
    bottoms = [0.0] * len(bars)
    for i, name in enumerate(order):
        heights = [bars[l].get(name, 0.0) for l in bars]
        ax.bar(range(len(bars)), heights, bottom=bottoms, width=0.6, label=name, **style.bar_style(i))
        bottoms = [b + h for b, h in zip(bottoms, heights)]
    ax.set_xticks(range(len(bars)))
    ax.set_xticklabels(list(bars), rotation=20 if len(bars) > 4 else 0, ha="right" if len(bars) > 4 else "center")
    ax.set_ylabel("energy per inference (J)" if per_inference else "energy (J)")
    if args.label_key:
        ax.set_xlabel(args.label_key)
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    data = {"bars": {l: {k: style.clean(v) for k, v in seg.items()} for l, seg in bars.items()}, "order": order,
            "per_inference": per_inference}
    return fig, data


if __name__ == "__main__":
    sys.exit(style.main(__doc__.splitlines()[0], add_arguments, build))
