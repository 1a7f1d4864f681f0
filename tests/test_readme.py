"""The README's Python example runs as written."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_quick_start_shows_exactly_two_commands_compare_and_test():
    shell = re.findall(r"```bash\n(.*?)```", README.read_text(), flags=re.S)
    assert [block.strip() for block in shell] == ["make compare\nmake test"]


@pytest.mark.slow
@pytest.mark.parametrize("code", python_blocks())
def test_readme_python_example_runs(code, capsys):
    exec(compile(code, str(README), "exec"), {})
    out = capsys.readouterr().out
    score = float(re.search(r"balanced accuracy: ([0-9.]+)", out).group(1))
    assert score > 0.85
