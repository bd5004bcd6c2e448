"""Every place where ffstream reaches into numba beyond its public API.

What to check when numba changes (the version guard below names the releases
this was last checked with):

* ``_nrt``: the private ``numba.njit`` option that compiles a function without
  reference counting (:func:`refcount_option`).
* ``numba.core.caching``: the cache locator classes and ``CacheImpl``'s list of
  them, which :func:`install_cache_locator` puts ffstream's locator in front of
  (the classes lost their leading underscore in numba 0.62); and
  ``IndexDataCacheFile`` (its ``save``/``load`` and the private ``_load_index``,
  ``_save_index``, ``_save_data``, ``_data_name`` and ``_index_path``), which it
  replaces by :class:`GuardedIndexDataCacheFile` (module attribute looked up by
  ``Cache.__init__``).
* ``Dispatcher.py_func`` and ``Dispatcher.targetoptions``, which
  :func:`bounds_checked` compiles a user's function again from, and
  ``numba.config.BOUNDSCHECK`` (:func:`bounds_checks_disabled`).

The kernels are cached in one directory per user, never next to the installed
sources (see :func:`cache_dir`), and every kernel's cache entry is stamped with
all kernel modules at once (their contents' hashes), because the kernels
inline helpers from other kernel modules: numba only checks a function's own
file, so an edit to one module could otherwise leave stale machine code in
cached callers in another.

Many processes may compile the kernels into one cache at once (dask workers,
process pools, parallel test runs). numba's index of a function's cache is
updated by read-modify-write without a lock, so two processes compiling two
signatures of one function at the same moment can both give the data file
number 1 to their own signature: the index then names, for one signature, the
machine code of the other, and every later process that loads it crashes
(``TypeError: can't unbox array``) or worse, until the cache is deleted.
:class:`GuardedIndexDataCacheFile` prevents that for ffstream's kernels.
"""

import contextlib
import functools
import hashlib
import itertools
import os
import sys
import tempfile
import warnings
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numba
from numba.core import caching
from numba.core.dispatcher import Dispatcher

try:
    import fcntl
except ImportError:  # Windows: no lock, the stored keys still keep loads correct
    fcntl = None

#: The numba releases (major, minor) this module was checked against.
CHECKED_NUMBA = ((0, 60), (0, 68))

NUMBA_VERSION = tuple(int(part) for part in numba.__version__.split(".")[:2])
if NUMBA_VERSION < CHECKED_NUMBA[0]:
    raise ImportError(
        f"ffstream needs numba >= {'.'.join(map(str, CHECKED_NUMBA[0]))}, "
        f"found {numba.__version__}"
    )

KERNEL_DIR = Path(__file__).resolve().parent

#: The environment variable that chooses where compiled kernels are cached.
CACHE_DIR_VARIABLE = "FFSTREAM_CACHE_DIR"


def refcount_option(refcounted: bool) -> dict[str, bool]:
    """The ``numba.njit`` option that turns reference counting on or off.

    Parameters
    ----------
    refcounted : bool
        ``False`` compiles without numba's reference counting.

    Returns
    -------
    dict
        Keyword arguments for ``numba.njit``.
    """
    return {"_nrt": refcounted}


#: The bounds-checked twin of every function :func:`bounds_checked` has seen.
_BOUNDS_CHECKED: "weakref.WeakKeyDictionary[Dispatcher, Dispatcher]" = (
    weakref.WeakKeyDictionary()
)


def bounds_checked(function: Dispatcher) -> Dispatcher:
    """``function`` compiled again with numba's bounds checking (once per function).

    Every index into an array in the function's own body is checked: an index out
    of bounds raises ``IndexError`` instead of reading or writing past the array.
    Functions it calls are checked only if they were compiled with
    ``boundscheck=True`` themselves.

    Parameters
    ----------
    function : numba dispatcher
        An ``@numba.njit`` function; its other options are kept (not ``cache``).

    Returns
    -------
    numba dispatcher
        The checked twin, the same object on every call for one ``function``.

    Examples
    --------
    >>> import numba, numpy as np
    >>> from ffstream.kernels._numba import bounds_checked
    >>> @numba.njit
    ... def third(x):
    ...     return x[2]
    >>> bounds_checked(third)(np.ones(2))
    Traceback (most recent call last):
    ...
    IndexError: index is out of bounds
    """
    checked = _BOUNDS_CHECKED.get(function)
    if checked is None:
        # ``njit`` sets ``nopython`` itself (and warns when it is passed again).
        options = {
            **{k: v for k, v in function.targetoptions.items() if k != "nopython"},
            "boundscheck": True,
        }
        checked = numba.njit(**options)(function.py_func)
        _BOUNDS_CHECKED[function] = checked
    return checked


def bounds_checks_disabled() -> bool:
    """Whether ``NUMBA_BOUNDSCHECK=0`` turns every bounds check off, requested ones too.

    Examples
    --------
    >>> from ffstream.kernels._numba import bounds_checks_disabled
    >>> bounds_checks_disabled()
    False
    """
    return numba.config.BOUNDSCHECK == 0


def cache_dir() -> Path:
    """The directory compiled kernels are cached in, per user.

    ``$FFSTREAM_CACHE_DIR`` when set; otherwise the platform's per-user cache
    directory: ``$XDG_CACHE_HOME/ffstream`` (default ``~/.cache/ffstream``) on
    Linux, ``~/Library/Caches/ffstream`` on macOS and
    ``%LOCALAPPDATA%/ffstream/cache`` on Windows. The installed package's
    own directory is never written.

    Returns
    -------
    pathlib.Path
        The cache directory (it may not exist yet).
    """
    chosen = os.environ.get(CACHE_DIR_VARIABLE)
    if chosen:
        return Path(chosen).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local"
        return Path(base) / "ffstream" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "ffstream"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ffstream"


@functools.cache
def _kernel_sources_stamp() -> tuple[tuple[str, str], ...]:
    """Name and SHA-256 of the contents of every kernel module (read once per process).

    Contents, not modification times: reinstalling the same kernels (``pip
    install .`` again, or with other extras) rewrites the files with new times,
    and must not throw away a cache that is still valid.
    """
    return tuple(
        (path.name, hashlib.sha256(path.read_bytes()).hexdigest())
        for path in sorted(KERNEL_DIR.glob("*.py"))
    )


def _numba_class(name: str) -> type:
    """The numba caching class ``name`` (before 0.62 spelled with a leading underscore)."""
    return getattr(caching, name, None) or getattr(caching, "_" + name)


class KernelCacheLocator(_numba_class("UserProvidedCacheLocator")):
    """Caches ffstream's kernels in :func:`cache_dir`, stamped with every kernel module.

    When that directory cannot be created or written, a per-user directory
    under the system's temporary directory is used instead.
    """

    def __init__(self, py_func: Any, py_file: str, root: Path) -> None:
        self._py_file = py_file
        self._lineno = py_func.__code__.co_firstlineno
        self._cache_path = str(root / self.get_suitable_cache_subpath(py_file))
        _KERNEL_CACHE_PATHS.add(self._cache_path)

    def get_source_stamp(self) -> tuple[tuple[str, str], ...]:
        return _kernel_sources_stamp()

    @classmethod
    def from_function(cls, py_func: Any, py_file: str) -> "KernelCacheLocator | None":
        if Path(py_file).resolve().parent != KERNEL_DIR:
            return None
        user = os.environ.get("USER") or str(
            os.getuid() if hasattr(os, "getuid") else ""
        )
        fallback = Path(tempfile.gettempdir()) / f"ffstream-{user}"
        for root in (cache_dir(), fallback):
            locator = cls(py_func, py_file, root)
            try:
                locator.ensure_cache_path()
            except OSError:
                continue
            return locator
        return None


#: The cache directories :class:`KernelCacheLocator` chose: those guarded.
_KERNEL_CACHE_PATHS: set[str] = set()

_IndexDataCacheFile = _numba_class("IndexDataCacheFile")


@contextlib.contextmanager
def _exclusive(path: str) -> Iterator[None]:
    """Hold an exclusive advisory lock on the file ``path`` (POSIX ``flock``) inside the block.

    The lock file is created readable and writable by everyone (a cache shared
    between users stays lockable; ``flock`` also works on a read-only
    descriptor). Where no lock can be taken (no ``fcntl`` on Windows, a file
    that cannot be opened, a file system without ``flock``), the block runs
    unlocked after one warning: the key stored with each data file still keeps
    loads correct, only concurrent saves may then lose entries.
    """
    descriptor = _lock_descriptor(path)
    if descriptor is None:
        yield
        return
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        except OSError as error:
            _warn_unlocked(path, error)
            yield
            return
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _lock_descriptor(path: str) -> int | None:
    """A descriptor of the lock file ``path`` to ``flock``, or ``None`` (warned once)."""
    if fcntl is None:
        return None
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        try:
            descriptor = os.open(path, os.O_RDONLY)
        except OSError as error:
            _warn_unlocked(path, error)
            return None
    return descriptor


#: Lock files already warned about (one warning per file and process).
_WARNED_UNLOCKED: set[str] = set()


def _warn_unlocked(path: str, error: OSError) -> None:
    if path in _WARNED_UNLOCKED:
        return
    _WARNED_UNLOCKED.add(path)
    warnings.warn(
        f"ffstream cannot lock its kernel cache ({path}: {error}); compiled kernels "
        "are saved unlocked, so processes compiling at once may lose cache entries "
        "(never run wrong code: every entry is checked when loaded)",
        RuntimeWarning,
        stacklevel=2,
    )


class GuardedIndexDataCacheFile(_IndexDataCacheFile):
    """numba's index and data files of one function's cache, safe under many processes.

    In ffstream's kernel cache directories (other directories keep numba's
    behaviour):

    * a save takes an exclusive lock on the directory's ``.lock`` file while it
      reads the index, picks the data file, writes the data and only then the
      index, so concurrent saves neither give one data file to two signatures
      nor drop each other's entries, and no index entry names a file still to
      be written;
    * each data file holds its index key next to the compiled code, and a load
      whose file holds another key (written by a process without this guard,
      or by an older ffstream) is a cache miss: the kernel compiles again
      instead of running machine code compiled for other argument types.
    """

    def __init__(self, cache_path: str, filename_base: str, source_stamp: Any) -> None:
        super().__init__(cache_path, filename_base, source_stamp)
        self._guarded = cache_path in _KERNEL_CACHE_PATHS

    def save(self, key: Any, data: Any) -> None:
        if not self._guarded:
            super().save(key, data)
            return
        with _exclusive(os.path.join(self._cache_path, ".lock")):
            overloads = self._load_index()
            data_name = overloads.get(key)
            if data_name is None:
                taken = set(overloads.values())
                data_name = next(
                    name
                    for name in map(self._data_name, itertools.count(1))
                    if name not in taken
                )
            self._save_data(data_name, (key, data))
            if overloads.get(key) != data_name:
                overloads[key] = data_name
                self._save_index(overloads)

    def load(self, key: Any) -> Any:
        stored = super().load(key)
        if not self._guarded or stored is None:
            return stored
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == key:
            return stored[1]
        return None


def install_cache_locator() -> None:
    """Put :class:`KernelCacheLocator` first in numba's search order, and guard its files (once)."""
    classes = _numba_class("CacheImpl")._locator_classes
    if KernelCacheLocator not in classes:
        classes.insert(0, KernelCacheLocator)
    spelling = "IndexDataCacheFile"
    if not hasattr(caching, spelling):  # before numba 0.62
        spelling = "_" + spelling
    setattr(caching, spelling, GuardedIndexDataCacheFile)
