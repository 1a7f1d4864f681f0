"""Every script in examples/ runs, at the small settings of SKLWEIGHT_EXAMPLE_QUICK=1.

The scripts run in this process (``runpy``, as ``__main__``), so the package is imported
once per test worker. What each prints is checked for the lines that say it did its job.
"""

import re
import runpy
from pathlib import Path

import matplotlib
import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# the lines each script must print (regular expressions, searched in its output)
EXPECTED = {
    "digits_long_tail.py": [r"plain cross-entropy +balanced accuracy 0\.\d+",
                            r'criterion="logit_adjusted" +balanced accuracy 0\.\d+',
                            r"recipes\.long_tail\(\) +balanced accuracy 0\.\d+"],
    "noisy_labels_quality_weights.py": [r"no weights +balanced accuracy 0\.\d+",
                                        r"quality weights +balanced accuracy 0\.\d+"],
    "grid_search_losses.py": [r"best: \{", r"held-out balanced accuracy .*: 0\.\d+"],
    "pipeline_metadata_routing.py": [r"balanced accuracy per fold: \[(0\.\d+, ){2}0\.\d+\]"],
    "gpu_switch.py": [r"device: (cpu|cuda)", r"parameters on: (cpu|cuda)",
                      r"ndarray balanced accuracy 0\.\d+"],
    # the Dask search reproduces the local search exactly, for the same seeds
    "dask_search.py": [r"identical scores: True"],
}


def test_every_example_is_listed():
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.slow) if n == "dask_search.py" else n
     for n in sorted(EXPECTED)],
)
def test_example_runs(name, monkeypatch, capsys):
    matplotlib.use("Agg")
    monkeypatch.setenv("SKLWEIGHT_EXAMPLE_QUICK", "1")
    source = (EXAMPLES / name).read_text()
    assert source.startswith('"""\n'), "a title docstring, sphinx-gallery style"
    assert "# %%" in source, "cells, sphinx-gallery style"
    runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    out = capsys.readouterr().out
    for pattern in EXPECTED[name]:
        assert re.search(pattern, out), (pattern, out)
