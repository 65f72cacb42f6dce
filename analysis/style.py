"""Shared look and plumbing of the edgesplit figure scripts (analysis/fig_*.py).

Figures must read in greyscale: series differ by marker, line style and hatch, with colours
from a palette that stays distinct when printed in grey. Every script takes
`INPUT... --out PATH` (writes PATH.pdf and PATH.png) and `--check` (prints the plotted
data as JSON on stdout, for the tests). Input errors exit 2 with one clear line.
"""

import argparse
import json
import math
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "<", ">"]
LINESTYLES = ["-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 3)), (0, (7, 2, 2, 2))]
HATCHES = ["", "///", "\\\\\\", "xxx", "...", "ooo", "---", "+++", "***", "|||", "OO", ".."]
# Dark-to-light greys interleaved so that neighbours differ (bars); lines are drawn black-ish.
GREYS = ["0.15", "0.55", "0.85", "0.35", "0.7", "0.95", "0.25", "0.45", "0.65", "0.8"]
LINE_GREYS = ["0.0", "0.3", "0.5", "0.15", "0.4", "0.6"]


class InputError(Exception):
    """A problem with the user's input files (missing file, missing column, no data)."""


def setup():
    plt.rcParams.update({
        "figure.figsize": (6.0, 3.6),
        "font.size": 9,
        "axes.grid": True,
        "grid.color": "0.85",
        "grid.linewidth": 0.5,
        "legend.fontsize": 8,
        "legend.frameon": False,
        "pdf.fonttype": 42,  # TrueType in the PDF: text stays text
        "ps.fonttype": 42,
        "savefig.bbox": "tight",
        "hatch.linewidth": 0.6,
    })


def line_style(i):
    """Keyword arguments of the i-th line series."""
    return {
        "color": LINE_GREYS[i % len(LINE_GREYS)],
        "marker": MARKERS[i % len(MARKERS)],
        "linestyle": LINESTYLES[i % len(LINESTYLES)],
        "markersize": 5,
        "markerfacecolor": "white" if (i // len(LINE_GREYS)) % 2 == 0 and i % 2 else LINE_GREYS[i % len(LINE_GREYS)],
        "linewidth": 1.2,
    }


def bar_style(i):
    """Keyword arguments of the i-th bar (or stacked segment)."""
    return {"facecolor": GREYS[i % len(GREYS)], "hatch": HATCHES[i % len(HATCHES)], "edgecolor": "black",
            "linewidth": 0.5}


def locate(path, name):
    """`path` itself if it is a file, else `path/name`; InputError when missing."""
    if os.path.isdir(path):
        candidate = os.path.join(path, name)
        if not os.path.isfile(candidate):
            raise InputError(f"{path}: no {name} in this directory")
        return candidate
    if not os.path.isfile(path):
        raise InputError(f"{path}: no such file")
    return path


def read_csv(path, required, name=None):
    """Reads a CSV (locating `name` inside a directory) and checks its columns."""
    if name:
        path = locate(path, name)
    elif not os.path.isfile(path):
        raise InputError(f"{path}: no such file")
    try:
        df = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: empty file")
    except Exception as e:  # pandas raises several parser error types
        raise InputError(f"{path}: cannot read as CSV: {e}")
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)} (found: {', '.join(map(str, df.columns))})")
    df.attrs["path"] = path
    return df


def read_json(path, name=None):
    if name:
        path = locate(path, name)
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror}")
    except json.JSONDecodeError as e:
        raise InputError(f"{path}: malformed JSON: {e}")


_PREFIX = {"": 1.0, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
           "Ki": 2.0 ** 10, "Mi": 2.0 ** 20, "Gi": 2.0 ** 30, "Ti": 2.0 ** 40}
_BANDWIDTH = re.compile(r"^\s*([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(|k|K|M|G|T|Ki|Mi|Gi|Ti)(bps|Bps|B/s)?\s*$")


def bandwidth_Bps(value):
    """A bandwidth as written in a sweep (a number in B/s, or `100Mbps`, `12.5MBps`, `1GiBps`) in B/s.

    Same suffix rules as FORMATS.md: bps are bits, Bps bytes; k/M/G/T powers of 1000, Ki/Mi/Gi/Ti of 1024.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    m = _BANDWIDTH.match(str(value))
    if not m or (m.group(2) and not m.group(3)):
        raise InputError(f"expected a bandwidth such as 100Mbps or 12.5e6, found \"{value}\"")
    x = float(m.group(1)) * _PREFIX[m.group(2)]
    return x / 8.0 if m.group(3) == "bps" else x


def series_column(df, wanted=None):
    """The column naming each series: `wanted`, else the partitioner's name as the sweep varied it."""
    if wanted:
        if wanted not in df.columns:
            raise InputError(f"{df.attrs.get('path', 'input')}: missing column {wanted}")
        return wanted
    for c in ("partitioner.name", "summary_partitioner", "partitioner"):
        if c in df.columns:
            return c
    raise InputError(f"{df.attrs.get('path', 'input')}: missing column partitioner.name or partitioner")


def ok_rows(df):
    """Rows of points that ran (results.csv `status` == ok); all rows when there is no status column."""
    if "status" in df.columns:
        return df[df["status"] == "ok"]
    return df


def clean(x):
    """A JSON-friendly number (NaN -> None, numpy -> float)."""
    x = float(x)
    return None if math.isnan(x) else x


def save(fig, out):
    """Writes out.pdf (vector) and out.png."""
    d = os.path.dirname(out)
    if d:
        os.makedirs(d, exist_ok=True)
    fig.savefig(out + ".pdf")
    fig.savefig(out + ".png", dpi=150)
    plt.close(fig)


def main(description, add_arguments, build):
    """Runs a figure script: parse `INPUT... --out PATH [--check]`, build(args) -> (figure, data), save.

    Exits 2 with "<script>: error: ..." on an InputError.
    """
    prog = os.path.basename(sys.argv[0])
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="output files or directories of edgesplit")
    parser.add_argument("--out", required=True, help="output path without extension: writes OUT.pdf and OUT.png")
    parser.add_argument("--title", help="figure title")
    parser.add_argument("--check", action="store_true", help="print the plotted data as JSON on stdout")
    add_arguments(parser)
    args = parser.parse_args()
    setup()
    try:
        fig, data = build(args)
    except InputError as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        return 2
    if args.title:
        fig.suptitle(args.title)
    save(fig, args.out)
    if args.check:
        print(json.dumps(data, sort_keys=True))
    return 0


def point_dir(sweep_dir, selector):
    """The point directory of a sweep whose parameters match `selector` ("key=value,key=value").

    InputError unless exactly one point matches.
    """
    want = dict(item.split("=", 1) for item in selector.split(",") if item)
    points = os.path.join(sweep_dir, "points")
    if not os.path.isdir(points):
        raise InputError(f"{sweep_dir}: not a sweep directory (no points/)")
    found = []
    for name in sorted(os.listdir(points)):
        pj = os.path.join(points, name, "point.json")
        if len(name) != 12 or not os.path.isfile(pj):
            continue
        params = read_json(pj).get("params", {})
        if all(str(params.get(k)) == v for k, v in want.items()):
            found.append(os.path.join(points, name))
    if len(found) != 1:
        raise InputError(f"{sweep_dir}: expected one point with {selector}, found {len(found)}")
    return found[0]


if __name__ == "__main__":
    # `python3 analysis/style.py point-dir SWEEP_DIR key=value[,key=value]`: prints the point's directory.
    if len(sys.argv) == 4 and sys.argv[1] == "point-dir":
        try:
            print(point_dir(sys.argv[2], sys.argv[3]))
        except InputError as e:
            print(f"style.py: error: {e}", file=sys.stderr)
            sys.exit(2)
    else:
        print("usage: style.py point-dir SWEEP_DIR key=value[,key=value]", file=sys.stderr)
        sys.exit(2)
