"""The package is built in layers: each folder imports only from itself and the ones below."""

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import ffstream

PACKAGE = Path(ffstream.__file__).parent

#: The layers, lowest first. ``"api"`` is the top-level package ``ffstream``: the
#: public API assembled from the layers below it, on which the interfaces are built.
LAYERS = (
    "kernels",
    "engine",
    "filters",
    "labels",
    "models",
    "evaluation",
    "api",
    "interfaces",
)

#: Top-level modules that users import by name, ``import ffstream.xarray`` (the
#: hvplot.xarray convention): entry points that only re-export an interface, so
#: they are part of the interfaces layer. The one exception to "one folder per layer".
ENTRY_MODULES = ("xarray",)


def layer_of(module: str) -> int:
    """Rank of the layer of ``module`` (``ffstream`` itself is the ``"api"`` layer)."""
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in ENTRY_MODULES:
        return LAYERS.index("interfaces")
    return LAYERS.index(parts[1] if len(parts) > 1 else "api")


def imported_modules(path: Path) -> set[str]:
    """The ffstream modules imported by the source file ``path``, at any depth."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {name for name in found if name.split(".")[0] == "ffstream"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_belongs_to_a_layer():
    top_level = {path.name for path in PACKAGE.iterdir() if path.name != "__pycache__"}
    entry_modules = {f"{name}.py" for name in ENTRY_MODULES}
    assert top_level == {"__init__.py"} | set(LAYERS) - {"api"} | entry_modules


@pytest.mark.parametrize("name", ENTRY_MODULES)
def test_entry_modules_are_interfaces_that_only_re_export_them(name):
    assert layer_of(f"ffstream.{name}") == LAYERS.index("interfaces")
    imported = imported_modules(PACKAGE / f"{name}.py")
    assert imported and all(m.startswith("ffstream.interfaces.") for m in imported)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_imports_only_go_downwards(path):
    module = module_name(path)
    upwards = [
        name for name in imported_modules(path) if layer_of(name) > layer_of(module)
    ]
    assert upwards == [], f"{module} imports a higher layer: {upwards}"


def test_the_import_check_sees_an_upward_import(tmp_path):
    source = tmp_path / "bad.py"
    source.write_text("def f():\n    from ffstream.models.fir import FIRForecaster\n")
    assert layer_of(next(iter(imported_modules(source)))) > layer_of("ffstream.engine")


def test_the_public_api_ranks_between_the_layers_and_the_interfaces():
    assert layer_of("ffstream.evaluation.backtest") < layer_of("ffstream")
    assert layer_of("ffstream") < layer_of("ffstream.interfaces.cli")


def test_no_module_is_shadowed_by_an_attribute_of_its_package():
    for info in pkgutil.walk_packages(ffstream.__path__, "ffstream."):
        parent_name, _, child = info.name.rpartition(".")
        module = importlib.import_module(info.name)
        parent = importlib.import_module(parent_name)
        assert getattr(parent, child) is module, f"{info.name} is shadowed"
