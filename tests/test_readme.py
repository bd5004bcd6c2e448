"""The Python examples of README.md run as written, in order, in one namespace."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_readme_has_python_examples():
    assert len(python_blocks(README.read_text())) >= 4


def test_readme_examples_run(tmp_path, monkeypatch):
    pytest.importorskip("dask")
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    namespace: dict = {}
    for number, block in enumerate(python_blocks(README.read_text())):
        exec(compile(block, f"README.md python block {number}", "exec"), namespace)
