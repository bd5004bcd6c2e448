"""The notebooks of docs/notebooks run, draw their plots and are stored stripped.

Every ``*.ipynb`` in ``docs/notebooks`` is picked up (a new notebook is tested
without touching this file). Each is executed by nbclient in a fresh kernel of
the interpreter running the tests, in a temporary working directory, and must
finish without a cell error and produce at least one image, so that a plot that
silently stops drawing fails the test. The stored files must have no outputs and
null execution counts, so that they diff cleanly.

The kernel is the ``python3`` kernelspec when it runs this interpreter (the one
ipykernel installs into a virtual environment, ``<venv>/share/jupyter/kernels``,
names the executable ``python``, which jupyter_client replaces with
``sys.executable``). If it is missing or names another interpreter (a user-wide
kernelspec of another Python, say), a kernelspec of this interpreter is installed
into a temporary prefix and found through ``JUPYTER_PATH``: no manual
``ipykernel install`` is needed after ``pip install ".[test]"``.
"""

import json
import os
import pathlib
import subprocess
import sys
import time

import pytest

NOTEBOOKS_DIR = pathlib.Path(__file__).resolve().parent.parent / "docs" / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))

#: The name of the kernelspec installed when ``python3`` does not run this interpreter.
FALLBACK_KERNEL = "ffstream-tests-python"

#: Seconds any one cell may take.
CELL_TIMEOUT = 300

#: Names jupyter_client replaces by ``sys.executable`` in a kernelspec's command.
_SAME_PYTHON = {
    "python",
    f"python{sys.version_info[0]}",
    f"python{sys.version_info[0]}.{sys.version_info[1]}",
}


def _runs_this_interpreter(argv: list[str]) -> bool:
    """Whether a kernelspec command starts the interpreter running the tests."""
    if not argv:
        return False
    if argv[0] in _SAME_PYTHON:
        return True
    # Symlinks are not resolved: a virtual environment's python links to the base
    # interpreter, which does not see the environment's packages.
    return os.path.normcase(os.path.abspath(argv[0])) == os.path.normcase(
        os.path.abspath(sys.executable)
    )


def _python3_runs_this_interpreter() -> bool:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        return False
    return _runs_this_interpreter(spec.argv)


@pytest.fixture(scope="session")
def kernel_name(tmp_path_factory):
    """A kernelspec that starts this interpreter: ``python3``, or one installed now."""
    pytest.importorskip("ipykernel")
    pytest.importorskip("jupyter_client")
    if _python3_runs_this_interpreter():
        yield "python3"
        return
    prefix = tmp_path_factory.mktemp("jupyter-prefix")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "ipykernel",
            "install",
            "--prefix",
            str(prefix),
            "--name",
            FALLBACK_KERNEL,
        ],
        check=True,
        capture_output=True,
    )
    data_dir = str(prefix / "share" / "jupyter")
    with pytest.MonkeyPatch.context() as patch:
        old = os.environ.get("JUPYTER_PATH")
        patch.setenv(
            "JUPYTER_PATH", data_dir if not old else os.pathsep.join([data_dir, old])
        )
        yield FALLBACK_KERNEL


def test_notebooks_are_found():
    names = {path.name for path in NOTEBOOKS}
    assert {"forecasting.ipynb", "streaming.ipynb", "many_series.ipynb"} <= names


def _images(nb) -> int:
    """Outputs of ``nb`` holding an image."""
    return sum(
        1
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if any(key.startswith("image/") for key in output.get("data", {}))
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_runs(path, kernel_name, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name=kernel_name,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    elapsed = time.perf_counter() - start
    print(f"{path.name}: executed in {elapsed:.1f} s")
    errors = [
        output
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert not errors, f"{path.name}: {errors}"
    assert _images(nb) >= 1, f"{path.name} executed without drawing any image"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_is_stripped(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["nbformat"] == 4
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            assert "outputs" not in cell, (
                f"{path.name}: markdown cell {index} has outputs"
            )
            continue
        assert cell["outputs"] == [], f"{path.name}: cell {index} has outputs"
        assert cell["execution_count"] is None, (
            f"{path.name}: cell {index} has execution_count {cell['execution_count']}"
        )
