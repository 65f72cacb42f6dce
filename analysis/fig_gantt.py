#!/usr/bin/env python3
"""Per-stage Gantt chart of the first requests: compute and send intervals of each stage.

Reads stages.csv of a run (or the run directory). One row per stage; compute bars solid,
sends hatched; each bar labelled with its request number.
  python3 analysis/fig_gantt.py out/quickstart --requests 6 --out figures/gantt
"""

import sys

import matplotlib.pyplot as plt

import style

COLUMNS = ["request", "stage", "host", "compute_start_s", "compute_end_s", "send_end_s"]


def add_arguments(p):
    p.add_argument("--requests", type=int, default=5, help="how many requests from the first (default 5)")


def build(args):
    if len(args.inputs) != 1:
        raise style.InputError("expected one stages.csv (or run directory)")
    df = style.read_csv(args.inputs[0], COLUMNS, name="stages.csv")
    first = sorted(df["request"].unique())[: args.requests]
    df = df[df["request"].isin(first)].sort_values(["stage", "request"])
    if df.empty:
        raise style.InputError(f"{df.attrs.get('path', args.inputs[0])}: no requests")
    stages = sorted(df["stage"].unique())
    fig, ax = plt.subplots(figsize=(7.0, 0.6 + 0.55 * len(stages)))
    data = {"compute": [], "send": [], "stages": {}}
    height = 0.36
    for _, r in df.iterrows():
        s, q = int(r["stage"]), int(r["request"])
        c0, c1, s1 = float(r["compute_start_s"]), float(r["compute_end_s"]), float(r["send_end_s"])
        y = stages.index(s)
        ax.broken_barh([(c0, c1 - c0)], (y - height, height), facecolor="0.45", edgecolor="black", linewidth=0.5)
        ax.text((c0 + c1) / 2, y - height / 2, str(q), ha="center", va="center", fontsize=6, color="white")
        data["compute"].append([s, q, c0, c1])
        if s1 > c1:
            ax.broken_barh([(c1, s1 - c1)], (y, height), facecolor="white", edgecolor="black", hatch="////",
                           linewidth=0.5)
            data["send"].append([s, q, c1, s1])
        data["stages"][str(s)] = str(r["host"])
    ax.set_yticks(range(len(stages)))
    ax.set_yticklabels([f"stage {s}\n{data['stages'][str(s)]}" for s in stages])
    ax.invert_yaxis()
    ax.set_xlabel("simulated time (s)")
    ax.grid(axis="y", visible=False)
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(facecolor="0.45", edgecolor="black", label="compute"),
                       Patch(facecolor="white", edgecolor="black", hatch="////", label="send")],
              loc="upper center", bbox_to_anchor=(0.5, -0.25 if len(stages) < 3 else -0.12), ncol=2)
    ax.set_title(f"first {len(first)} requests")
    fig.tight_layout()
    return fig, data


if __name__ == "__main__":
    sys.exit(style.main(__doc__.splitlines()[0], add_arguments, build))
