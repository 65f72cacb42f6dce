#!/usr/bin/env python3
"""Timeline of a run: link bandwidths, throughput over time windows, and re-plans.

Reads links.csv and requests.csv of a run directory, and the `replans` list of plan.json if
present (entries with `time_s`, or plain times). Throughput in a window = requests completed in
it / window length.
  python3 analysis/fig_timeline.py out/dynamic-wifi --window 1 --out figures/timeline
"""

import os
import sys

import matplotlib.pyplot as plt
import numpy as np

import style


def add_arguments(p):
    p.add_argument("--window", type=float, help="throughput window in s (default: run length / 20)")


def replan_times(run_dir):
    path = os.path.join(run_dir, "plan.json")
    if not os.path.isfile(path):
        return []
    plan = style.read_json(path)
    out = []
    for e in plan.get("replans", []) or []:
        if isinstance(e, dict):
            t = e.get("time_s", e.get("time"))
            if t is None:
                raise style.InputError(f"{path}: a replans entry has no time_s")
            out.append(float(t))
        else:
            out.append(float(e))
    return sorted(out)


def build(args):
    if len(args.inputs) != 1:
        raise style.InputError("expected one run directory")
    run = args.inputs[0]
    if not os.path.isdir(run):
        raise style.InputError(f"{run}: expected a run directory (links.csv, requests.csv, plan.json)")
    links = style.read_csv(run, ["time_s", "link", "bandwidth_Bps"], name="links.csv")
    reqs = style.read_csv(run, ["end_s"], name="requests.csv")
    replans = replan_times(run)
    end = max([float(reqs["end_s"].max()) if len(reqs) else 0.0, float(links["time_s"].max()) if len(links) else 0.0]
              + replans)
    if end <= 0:
        raise style.InputError(f"{run}: no completed requests")
    window = args.window or end / 20
    edges = np.arange(0.0, end + window, window)
    counts, _ = np.histogram(reqs["end_s"].astype(float), bins=edges)
    mids = (edges[:-1] + edges[1:]) / 2

    fig, (ax1, ax2) = plt.subplots(2, 1, sharex=True, figsize=(6.5, 4.2))
    data = {"links": {}, "throughput": [], "replans": replans, "window_s": window}
    for i, (name, g) in enumerate(links.groupby("link", sort=True)):
        g = g.sort_values("time_s", kind="stable")
        t = list(g["time_s"].astype(float)) + [end]
        mbps = list(g["bandwidth_Bps"].astype(float) * 8 / 1e6)
        mbps.append(mbps[-1])
        st = style.line_style(i)
        ax1.step(t, mbps, where="post", label=name, color=st["color"], linestyle=st["linestyle"], linewidth=1.2)
        data["links"][name] = [[style.clean(a), style.clean(b)] for a, b in zip(t[:-1], mbps[:-1])]
    ax1.set_ylabel("bandwidth (Mbit/s)")
    ax1.set_yscale("log")
    ax1.legend(loc="best", ncol=2)
    rps = counts / window
    ax2.plot(mids, rps, color="black", marker="o", markersize=3, linewidth=1.0, label="throughput")
    data["throughput"] = [[style.clean(a), style.clean(b)] for a, b in zip(mids, rps)]
    ax2.set_ylabel("throughput (requests/s)")
    ax2.set_xlabel("simulated time (s)")
    for k, t in enumerate(replans):
        for ax in (ax1, ax2):
            ax.axvline(t, color="0.3", linestyle="--", linewidth=0.8, label="re-plan" if k == 0 and ax is ax2 else None)
    if replans:
        ax2.legend(loc="best")
    fig.tight_layout()
    return fig, data


if __name__ == "__main__":
    sys.exit(style.main(__doc__.splitlines()[0], add_arguments, build))
