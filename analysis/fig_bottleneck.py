#!/usr/bin/env python3
"""Bottleneck stage over time: busy fraction of each stage per window, and which stage limits.

Reads bottleneck.csv of a run (or the run directory): per window and stage the busy fraction
of its busier resource and whether it is the bottleneck (compute or network).
  python3 analysis/fig_bottleneck.py out/quickstart --out figures/bottleneck
"""

import sys

import matplotlib.pyplot as plt

import style

COLUMNS = ["window_start_s", "window_end_s", "stage", "host", "busy_fraction", "is_bottleneck", "resource"]
RESOURCE_MARKERS = {"compute": "s", "network": "^"}


def add_arguments(p):
    pass


def build(args):
    if len(args.inputs) != 1:
        raise style.InputError("expected one bottleneck.csv (or run directory)")
    df = style.read_csv(args.inputs[0], COLUMNS, name="bottleneck.csv")
    if df.empty:
        raise style.InputError(f"{df.attrs['path']}: no windows")
    fig, (ax1, ax2) = plt.subplots(2, 1, sharex=True, figsize=(6.5, 4.2), gridspec_kw={"height_ratios": [2, 1]})
    data = {"busy": {}, "bottleneck": []}
    for i, (stage, g) in enumerate(df.groupby("stage", sort=True)):
        g = g.sort_values("window_start_s")
        mids = (g["window_start_s"].astype(float) + g["window_end_s"].astype(float)) / 2
        st = style.line_style(i)
        host = str(g["host"].iloc[0])
        ax1.plot(mids, g["busy_fraction"].astype(float), label=f"stage {stage} ({host})", **st)
        data["busy"][str(stage)] = [[style.clean(a), style.clean(b)] for a, b in zip(mids, g["busy_fraction"])]
    flags = df["is_bottleneck"].astype(str).str.lower().isin(["1", "true"])
    b = df[flags].sort_values(["window_start_s", "stage"]).drop_duplicates("window_start_s")
    for res, g in b.groupby("resource", sort=True):
        mids = (g["window_start_s"].astype(float) + g["window_end_s"].astype(float)) / 2
        ax2.plot(mids, g["stage"], linestyle="none", marker=RESOURCE_MARKERS.get(res, "o"), color="black",
                 markerfacecolor="white" if res == "network" else "black", label=res)
    for _, r in b.iterrows():
        data["bottleneck"].append([style.clean((float(r["window_start_s"]) + float(r["window_end_s"])) / 2),
                                   int(r["stage"]), str(r["resource"])])
    ax1.set_ylabel("busy fraction")
    ax1.set_ylim(-0.02, 1.05)
    ax1.legend(loc="lower right", ncol=2)
    ax2.set_ylabel("bottleneck stage")
    ax2.set_xlabel("simulated time (s)")
    stages = sorted(df["stage"].unique())
    ax2.set_yticks(stages)
    ax2.set_ylim(min(stages) - 0.5, max(stages) + 0.5)
    ax2.legend(loc="best")
    fig.tight_layout()
    return fig, data


if __name__ == "__main__":
    sys.exit(style.main(__doc__.splitlines()[0], add_arguments, build))
