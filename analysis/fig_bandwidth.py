#!/usr/bin/env python3
"""Throughput and p95 latency against link bandwidth, one line per partitioner.

Reads results.csv of a sweep (or the sweep directory) whose grid varies a bandwidth key, for
instance scenarios/paper/bandwidth.yaml. Repeated seeds are averaged; failed points are left out.
  python3 analysis/fig_bandwidth.py out/paper/bandwidth --out figures/bandwidth
"""

import sys

import matplotlib.pyplot as plt
import pandas as pd

import style


def add_arguments(p):
    p.add_argument("--x", help="bandwidth column (default: the one parameter column ending in 'bandwidth')")
    p.add_argument("--series", help="column naming the lines (default: partitioner.name or partitioner)")


def bandwidth_column(df, wanted):
    if wanted:
        if wanted not in df.columns:
            raise style.InputError(f"{df.attrs['path']}: missing column {wanted}")
        return wanted
    cols = [c for c in df.columns if str(c).endswith("bandwidth")]
    if len(cols) != 1:
        raise style.InputError(f"{df.attrs['path']}: expected one column ending in 'bandwidth' (a swept bandwidth), "
                               f"found {len(cols)}{': ' + ', '.join(cols) if cols else ''}; name it with --x")
    return cols[0]


def build(args):
    frames = []
    for path in args.inputs:
        df = style.read_csv(path, ["throughput_rps", "latency_p95_s"], name="results.csv")
        xcol = bandwidth_column(df, args.x)
        scol = style.series_column(df, args.series)
        df = style.ok_rows(df).copy()
        df["_x_Mbps"] = [style.bandwidth_Bps(v) * 8 / 1e6 for v in df[xcol]]
        df["_series"] = df[scol].astype(str)
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    if df.empty:
        raise style.InputError("no successful points to plot")
    mean = df.groupby(["_series", "_x_Mbps"], sort=True)[["throughput_rps", "latency_p95_s"]].mean().reset_index()

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(7.0, 3.0))
    data = {"x_column": xcol, "series_column": scol, "throughput_rps": {}, "latency_p95_s": {}}
    for i, (name, g) in enumerate(mean.groupby("_series", sort=True)):
        g = g.sort_values("_x_Mbps")
        st = style.line_style(i)
        ax1.plot(g["_x_Mbps"], g["throughput_rps"], label=name, **st)
        ax2.plot(g["_x_Mbps"], g["latency_p95_s"], label=name, **st)
        data["throughput_rps"][name] = [[style.clean(x), style.clean(y)] for x, y in zip(g["_x_Mbps"], g["throughput_rps"])]
        data["latency_p95_s"][name] = [[style.clean(x), style.clean(y)] for x, y in zip(g["_x_Mbps"], g["latency_p95_s"])]
    for ax in (ax1, ax2):
        ax.set_xscale("log")
        ax.set_xlabel("bandwidth (Mbit/s)")
    ax1.set_ylabel("throughput (requests/s)")
    ax2.set_ylabel("p95 latency (s)")
    ax1.set_yscale("log")
    ax2.set_yscale("log")
    ax1.set_title("throughput")
    ax2.set_title("95th-percentile latency")
    ax1.legend(loc="best")
    fig.tight_layout()
    return fig, data


if __name__ == "__main__":
    sys.exit(style.main(__doc__.splitlines()[0], add_arguments, build))
