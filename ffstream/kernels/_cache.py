"""Keeps numba's on-disk cache of the kernels consistent across kernel modules.

numba validates a cached function against the modification time and size of
its own source file only. The kernels inline helpers from other kernel modules,
so an edit to one module could leave stale machine code in the cached callers
of another. The locators below stamp every kernel with all kernel modules at
once: editing any of them recompiles them all.
"""

from pathlib import Path

from numba.core import caching

KERNEL_DIR = Path(__file__).resolve().parent


def _kernel_sources_stamp() -> tuple[tuple[str, int, int], ...]:
    """Name, modification time (ns) and size of every kernel module."""
    return tuple(
        (path.name, path.stat().st_mtime_ns, path.stat().st_size)
        for path in sorted(KERNEL_DIR.glob("*.py"))
    )


def _locator_for(base: type) -> type:
    """A subclass of the numba locator ``base`` stamped with every kernel module."""

    class KernelLocator(base):
        def get_source_stamp(self) -> tuple[tuple[str, int, int], ...]:
            return _kernel_sources_stamp()

        @classmethod
        def from_function(cls, py_func, py_file):
            if Path(py_file).resolve().parent != KERNEL_DIR:
                return None
            return super().from_function(py_func, py_file)

    KernelLocator.__name__ = KernelLocator.__qualname__ = f"Kernel{base.__name__}"
    return KernelLocator


def _numba_class(name: str) -> type:
    """The numba caching class ``name`` (older releases spell it with a leading underscore)."""
    return getattr(caching, name, None) or getattr(caching, "_" + name)


def install() -> None:
    """Put the kernel locators first in numba's search order (once)."""
    classes = _numba_class("CacheImpl")._locator_classes
    if any(cls.__name__.startswith("Kernel") for cls in classes):
        return
    bases = ("UserProvidedCacheLocator", "InTreeCacheLocator", "UserWideCacheLocator")
    classes[:0] = [_locator_for(_numba_class(name)) for name in bases]
