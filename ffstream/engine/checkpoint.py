"""Checkpoints on disk: a zip of ``.npy`` arrays plus JSON metadata, safe to open.

A checkpoint file is a zip archive (stored, not compressed) holding

* ``checkpoint.json``: the format name (``"ffstream-checkpoint"``) and version,
  the ffstream version that wrote it, the kind of object (``"OnlineConv"``,
  ``"FIRForecaster"``, ...), its settings as JSON, and the dtype, shape and
  SHA-256 of every array;
* ``arrays/<name>.npy``: one float64 or int64 array per entry, read back with
  ``allow_pickle=False``.

Loading executes nothing from the file: the JSON is parsed, each array is read
as raw numbers, checked against its dtype, shape and checksum, and the object is
rebuilt by its class from those values, through the same validation as a user's
input. Anything else (not a zip, no metadata, another format, a newer version, a
missing, extra, truncated or altered member, values that do not fit together)
raises ``ValueError`` naming the file and the problem.

Classes that can be saved derive from :class:`Checkpointable`, which gives them
``save(path)`` and ``load(path)`` and registers their kind for
:func:`load_checkpoint` (``ffstream.load``).
"""

import hashlib
import importlib.metadata
import json
import math
import os
import secrets
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import numpy as np

from ffstream.engine.validation import check_memory

#: The format's name, stored in every checkpoint's metadata.
FORMAT = "ffstream-checkpoint"
#: The newest format version this ffstream writes and reads.
FORMAT_VERSION = 1
#: The metadata member of the archive.
METADATA = "checkpoint.json"
#: The only dtypes a checkpoint's arrays may have.
ARRAY_DTYPES = ("float64", "int64")
#: The largest ``checkpoint.json`` read (settings are small: kilobytes).
_METADATA_LIMIT = 1 << 24
#: Room for the ``.npy`` header of a member, beyond its data.
_NPY_HEADER_ROOM = 4096


#: A class deriving from :class:`Checkpointable`.
_Restorable = TypeVar("_Restorable", bound="Checkpointable")


class CheckpointError(ValueError):
    """A file that cannot be loaded as an ffstream checkpoint (a ``ValueError``).

    Examples
    --------
    >>> import ffstream
    >>> from ffstream.engine.checkpoint import CheckpointError
    >>> issubclass(CheckpointError, ValueError)
    True
    """


@dataclass(frozen=True)
class Checkpoint:
    """What a checkpoint holds: a kind, JSON settings and named arrays.

    Attributes
    ----------
    kind : str
        The class that wrote it (its :attr:`Checkpointable.checkpoint_kind`).
    settings : dict
        JSON-serialisable settings (numbers, strings, booleans, ``None``,
        lists and dicts of them).
    arrays : dict of str to numpy.ndarray
        float64 or int64 arrays.

    Examples
    --------
    >>> import numpy as np
    >>> from ffstream.engine.checkpoint import Checkpoint
    >>> Checkpoint("Example", {"order": 2}, {"coef": np.ones(2)}).settings
    {'order': 2}
    """

    kind: str
    settings: dict
    arrays: dict[str, np.ndarray] = field(default_factory=dict)

    def part(self, prefix: str) -> "Checkpoint":
        """The nested checkpoint stored under ``prefix`` (see :meth:`with_part`).

        Examples
        --------
        >>> import numpy as np
        >>> from ffstream.engine.checkpoint import Checkpoint
        >>> inner = Checkpoint("Inner", {"a": 1}, {"x": np.zeros(1)})
        >>> outer = Checkpoint("Outer", {}, {}).with_part("inner", inner)
        >>> sorted(outer.arrays), outer.part("inner") == inner
        (['inner.x'], True)
        """
        nested = self.settings.get(prefix)
        if not isinstance(nested, dict) or not isinstance(nested.get("kind"), str):
            raise ValueError(f"the settings have no nested checkpoint {prefix!r}")
        start = prefix + "."
        arrays = {
            name[len(start) :]: array
            for name, array in self.arrays.items()
            if name.startswith(start)
        }
        return Checkpoint(nested["kind"], nested.get("settings", {}), arrays)

    def with_part(self, prefix: str, part: "Checkpoint") -> "Checkpoint":
        """A copy of this checkpoint with ``part`` nested under ``prefix``.

        Examples
        --------
        See :meth:`part`.
        """
        settings = dict(self.settings)
        settings[prefix] = {"kind": part.kind, "settings": part.settings}
        arrays = dict(self.arrays)
        arrays.update({f"{prefix}.{name}": a for name, a in part.arrays.items()})
        return Checkpoint(self.kind, settings, arrays)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Checkpoint):
            return NotImplemented
        return (
            self.kind == other.kind
            and self.settings == other.settings
            and self.arrays.keys() == other.arrays.keys()
            and all(np.array_equal(a, other.arrays[k]) for k, a in self.arrays.items())
        )

    __hash__ = None  # type: ignore[assignment]


def as_path(path: Any) -> Path:
    """``path`` as a :class:`pathlib.Path`, or ``TypeError`` for anything but a path.

    Examples
    --------
    >>> from ffstream.engine.checkpoint import as_path
    >>> as_path("stream.ffs").name
    'stream.ffs'
    >>> as_path(3)
    Traceback (most recent call last):
    ...
    TypeError: path must be a str or os.PathLike, got int
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    return Path(path)


def _sha256(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).data).hexdigest()


def write_checkpoint(path: Any, checkpoint: Checkpoint) -> None:
    """Write ``checkpoint`` to ``path``, atomically.

    The archive is written to a temporary file next to ``path`` and renamed over
    it once complete: a crash or a full disk mid-write leaves any earlier file
    at ``path`` as it was.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write (its folder must exist).
    checkpoint : Checkpoint
        What to write.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import numpy as np
    >>> from ffstream.engine.checkpoint import Checkpoint, read_checkpoint, write_checkpoint
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "example.ffs"
    >>> write_checkpoint(path, Checkpoint("Example", {"n": 3}, {"x": np.arange(3.0)}))
    >>> read_checkpoint(path).arrays["x"]
    array([0., 1., 2.])
    """
    path = as_path(path)
    arrays = {name: np.asarray(a) for name, a in checkpoint.arrays.items()}
    for name, array in arrays.items():
        if array.dtype.name not in ARRAY_DTYPES:
            raise TypeError(
                f"array {name!r} has dtype {array.dtype}, not float64/int64"
            )
    contents = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "ffstream_version": _ffstream_version(),
        "kind": checkpoint.kind,
        "settings": checkpoint.settings,
        "arrays": {
            name: {
                "dtype": array.dtype.name,
                "shape": list(array.shape),
                "sha256": _sha256(array),
            }
            for name, array in arrays.items()
        },
    }
    encoded = json.dumps(contents, indent=1, allow_nan=False).encode()
    # A new file of a random name, created with the user's umask (a checkpoint
    # is an ordinary file, not a private temporary one).
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    try:
        with open(temporary, "xb") as file:
            with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as archive:
                archive.writestr(METADATA, encoded)
                for name, array in arrays.items():
                    with archive.open(f"arrays/{name}.npy", "w", force_zip64=True) as f:
                        np.lib.format.write_array(f, array, allow_pickle=False)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def read_checkpoint(path: Any) -> Checkpoint:
    """Read and verify the checkpoint at ``path``.

    Parameters
    ----------
    path : str or os.PathLike
        A file written by :func:`write_checkpoint`.

    Returns
    -------
    Checkpoint
        Its kind, settings and arrays, every array checked against the dtype,
        shape and SHA-256 recorded when it was written.

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    CheckpointError
        (a ``ValueError``) if the file is not a checkpoint, was written by a newer
        format version, or is truncated or altered.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ffstream.engine.checkpoint import read_checkpoint
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
    >>> _ = path.write_text("not a checkpoint")
    >>> read_checkpoint(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ffstream.engine.checkpoint.CheckpointError: .../notes.txt is not an ffstream checkpoint: ...
    """
    path = as_path(path)
    if not path.exists():
        raise FileNotFoundError(f"no checkpoint at {path}: the file does not exist")
    if not path.is_file():
        raise CheckpointError(f"{path} is not an ffstream checkpoint: not a file")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError):
        # A truncated checkpoint has lost the zip's directory at its end.
        raise CheckpointError(
            f"{path} is not an ffstream checkpoint: not a zip archive "
            "(or a checkpoint cut short)"
        ) from None
    try:
        with archive:
            contents = _read_metadata(path, archive)
            arrays = {
                name: _read_array(path, archive, name, entry)
                for name, entry in contents["arrays"].items()
            }
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as error:
        # A member cut short or failing its CRC-32.
        raise CheckpointError(f"{path} is corrupted: {error}") from None
    return Checkpoint(contents["kind"], contents["settings"], arrays)


def _ffstream_version() -> str:
    """The installed ffstream's version, recorded in every checkpoint."""
    try:
        return importlib.metadata.version("ffstream")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _read_metadata(path: Path, archive: zipfile.ZipFile) -> dict:
    """The checked metadata of ``archive``; its members must be exactly those listed."""
    try:
        size = archive.getinfo(METADATA).file_size
        if size > _METADATA_LIMIT:
            raise CheckpointError(
                f"{path} is corrupted: {METADATA} holds {size} bytes, more than "
                f"the {_METADATA_LIMIT} any checkpoint needs"
            )
        raw = archive.read(METADATA)
    except KeyError:
        raise CheckpointError(
            f"{path} is not an ffstream checkpoint: it has no {METADATA} "
            "(a zip of other files, e.g. numpy.savez output?)"
        ) from None
    try:
        metadata = json.loads(raw)
    except (ValueError, RecursionError) as error:  # JSONDecodeError is a ValueError
        raise CheckpointError(
            f"{path} is corrupted: {METADATA} is not valid JSON ({error})"
        ) from None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise CheckpointError(
            f"{path} is not an ffstream checkpoint: {METADATA} does not name "
            f"the format {FORMAT!r}"
        )
    version = metadata.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise CheckpointError(
            f"{path} is corrupted: its format version is {version!r}, "
            "not a positive integer"
        )
    if version > FORMAT_VERSION:
        written_by = metadata.get("ffstream_version", "a newer version")
        raise CheckpointError(
            f"{path} was written by ffstream {written_by} in checkpoint format "
            f"version {version}; this ffstream reads versions up to "
            f"{FORMAT_VERSION}: upgrade ffstream to load it"
        )
    kind, settings, arrays = (metadata.get(k) for k in ("kind", "settings", "arrays"))
    if not (
        isinstance(kind, str)
        and isinstance(settings, dict)
        and isinstance(arrays, dict)
    ):
        raise CheckpointError(
            f"{path} is corrupted: {METADATA} lacks its kind, settings or arrays"
        )
    expected = {METADATA} | {f"arrays/{name}.npy" for name in arrays}
    found = set(archive.namelist())
    if found != expected:
        missing, extra = sorted(expected - found), sorted(found - expected)
        raise CheckpointError(
            f"{path} is corrupted: members missing {missing}, unexpected {extra}"
        )
    return metadata


def _read_array(
    path: Path, archive: zipfile.ZipFile, name: str, entry: Any
) -> np.ndarray:
    """Member ``name``, checked against its metadata ``entry``."""
    try:
        dtype, shape, digest = entry["dtype"], tuple(entry["shape"]), entry["sha256"]
        valid = (
            dtype in ARRAY_DTYPES
            and all(isinstance(n, int) and n >= 0 for n in shape)
            and isinstance(digest, str)
        )
    except (TypeError, KeyError):
        valid = False
    if not valid:
        raise CheckpointError(f"{path} is corrupted: the metadata of array {name!r}")
    n_values = int(np.prod(shape, dtype=object))
    member = f"arrays/{name}.npy"
    if archive.getinfo(member).file_size > 8 * n_values + _NPY_HEADER_ROOM:
        raise CheckpointError(
            f"{path} is corrupted: array {name!r} is larger than its shape {shape}"
        )
    check_memory(n_values, f"loading array {name!r} of {path}")
    with archive.open(member) as file:
        array = _read_npy(path, name, file, np.dtype(dtype), shape)
    if _sha256(array) != digest:
        raise CheckpointError(
            f"{path} is corrupted: array {name!r} does not match its checksum"
        )
    return array


def _read_npy(
    path: Path, name: str, file: Any, dtype: np.dtype, shape: tuple[int, ...]
) -> np.ndarray:
    """The ``.npy`` member ``name`` open as ``file``, whose header must say ``dtype`` and ``shape``.

    The header is read and checked before any data, so that a header claiming
    another dtype (a pickled object array) or a larger shape is refused before
    anything is allocated or decoded.
    """
    try:
        version = np.lib.format.read_magic(file)
        if version == (1, 0):
            header = np.lib.format.read_array_header_1_0(file)
        elif version == (2, 0):
            header = np.lib.format.read_array_header_2_0(file)
        else:
            raise ValueError(f"npy format version {version} is not 1.0 or 2.0")
    except ValueError as error:
        raise CheckpointError(
            f"{path} is corrupted: array {name!r} cannot be read ({error})"
        ) from None
    found_shape, fortran_order, found_dtype = header
    if found_dtype != dtype or found_shape != shape:
        raise CheckpointError(
            f"{path} is corrupted: array {name!r} has dtype {found_dtype} and shape "
            f"{found_shape}, its metadata says {dtype} and {shape}"
        )
    n_bytes = dtype.itemsize * math.prod(shape)
    data = file.read(n_bytes)
    if len(data) != n_bytes or file.read(1):
        raise CheckpointError(
            f"{path} is corrupted: array {name!r} does not hold {n_bytes} bytes of data"
        )
    order = "F" if fortran_order else "C"
    return np.frombuffer(data, dtype).reshape(shape, order=order).copy(order="K")


class Checkpointable:
    """Mixin of the classes that can be saved to and loaded from a checkpoint file.

    Subclasses set :attr:`checkpoint_kind` and implement
    :meth:`_to_checkpoint` and :meth:`_from_checkpoint`; defining the kind
    registers the class for :func:`load_checkpoint`.
    """

    #: The name a checkpoint of this class is stored under.
    checkpoint_kind: ClassVar[str]
    _registry: ClassVar[dict[str, type["Checkpointable"]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "checkpoint_kind" in cls.__dict__:
            Checkpointable._registry[cls.checkpoint_kind] = cls

    def _to_checkpoint(self) -> Checkpoint:
        """Everything needed to rebuild this object exactly."""
        raise NotImplementedError

    @classmethod
    def _from_checkpoint(cls: type[_Restorable], checkpoint: Checkpoint) -> _Restorable:
        """Rebuild an object from :meth:`_to_checkpoint`'s output (validated)."""
        raise NotImplementedError

    def save(self, path: str | os.PathLike) -> None:
        """Save this object to a checkpoint file at ``path`` (replaced if it exists).

        The file is a zip of ``.npy`` arrays and JSON metadata (see
        :mod:`ffstream.engine.checkpoint`): loading it executes nothing, unlike
        a pickle. :func:`ffstream.load` (or this class's ``load``) returns an
        object that continues exactly, bit for bit, as this one would have.

        Parameters
        ----------
        path : str or os.PathLike
            The file to write; its folder must exist. The write is atomic.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> import numpy as np
        >>> import ffstream
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "stream.ffs"
        >>> stream = ffstream.OnlineConv(0.5 ** np.arange(100))
        >>> _ = stream.push_block(np.ones(10))
        >>> stream.save(path)
        >>> resumed = ffstream.load(path)
        >>> resumed.n_seen, resumed.push(1.0) == stream.push(1.0)
        (10, True)
        """
        write_checkpoint(path, self._to_checkpoint())

    @classmethod
    def load(cls: type[_Restorable], path: str | os.PathLike) -> _Restorable:
        """Load an object of this class saved with :meth:`save`.

        Parameters
        ----------
        path : str or os.PathLike
            A checkpoint file.

        Returns
        -------
        object
            The restored object.

        Raises
        ------
        ValueError
            If the file is not a valid checkpoint (see :func:`ffstream.load`), or
            holds an object of another class.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> import numpy as np
        >>> import ffstream
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "stream.ffs"
        >>> ffstream.OnlineConv(np.ones(4)).save(path)
        >>> ffstream.OnlineConv.load(path).filter_length
        4
        >>> try:
        ...     ffstream.FIRForecaster.load(path)
        ... except ValueError as error:
        ...     print(str(error).removeprefix(str(path)))
         holds a checkpoint of kind 'OnlineConv', not FIRForecaster
        """
        return _load(path, cls)


def _load(path: Any, required: type | None) -> Any:
    """The object in the checkpoint at ``path``, which must be a ``required`` if given.

    Inconsistent contents raise :class:`CheckpointError` naming ``path``.
    """
    checkpoint = read_checkpoint(path)
    path = as_path(path)
    kind_class = Checkpointable._registry.get(checkpoint.kind)
    if required is not None and (
        kind_class is None or not issubclass(kind_class, required)
    ):
        raise CheckpointError(
            f"{path} holds a checkpoint of kind {checkpoint.kind!r}, "
            f"not {required.__name__}"
        )
    if kind_class is None:
        raise CheckpointError(
            f"{path} holds a checkpoint of an unknown kind "
            f"{checkpoint.kind!r} (known: {sorted(Checkpointable._registry)})"
        )
    try:
        return kind_class._from_checkpoint(checkpoint)
    except (ValueError, TypeError, KeyError, OverflowError, RecursionError) as error:
        raise CheckpointError(
            f"{path} is corrupted: its contents do not make a valid "
            f"{checkpoint.kind} ({error})"
        ) from None


def load_checkpoint(path: str | os.PathLike) -> Any:
    """Load the object saved in the checkpoint file at ``path`` (``ffstream.load``).

    Streams (:class:`~ffstream.OnlineConv`) and forecasters (``FIRForecaster``,
    ``SpectralForecaster``, ``LastValue``, ``SeasonalNaive``) are saved with
    their ``save(path)`` method. The loaded object continues exactly, bit for
    bit, as the saved one would have: pushes, rollouts, forecasts, sample paths
    with the same seed, updates and online learning.

    Parameters
    ----------
    path : str or os.PathLike
        A checkpoint file.

    Returns
    -------
    object
        The restored stream or forecaster.

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    ValueError
        (:class:`CheckpointError`) naming ``path`` and the problem, if the file is
        not a checkpoint (not a zip archive, or a zip without ffstream's
        metadata), was written by a newer version of the format, is truncated,
        fails a checksum, or holds values that do not make a valid object.

    Notes
    -----
    Checkpoints are safe to open from untrusted sources: loading parses JSON and
    reads raw float64/int64 arrays (``allow_pickle=False``), and executes nothing
    from the file. Pickles of ffstream objects also work, but like every pickle
    they can run arbitrary code when loaded: never unpickle a file you do not
    trust.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import numpy as np
    >>> import ffstream
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.ffs"
    >>> y = np.sin(0.3 * np.arange(200))
    >>> model = ffstream.FIRForecaster(order=4).fit(y)
    >>> model.save(path)
    >>> loaded = ffstream.load(path)
    >>> loaded
    FIRForecaster(order=4, ridge=0.0, solver='normal', n_seen=200)
    >>> np.array_equal(loaded.forecast(10), model.forecast(10))
    True
    """
    return _load(path, None)


def stored_array(
    checkpoint: Checkpoint,
    name: str,
    shape: tuple[int, ...],
    dtype: str = "float64",
    finite: bool = True,
) -> np.ndarray:
    """Array ``name`` of ``checkpoint``, which must have ``shape`` and ``dtype``.

    Parameters
    ----------
    checkpoint : Checkpoint
        A checkpoint being restored.
    name : str
        The array.
    shape : tuple of int
        Its expected shape.
    dtype : {"float64", "int64"}
        Its expected dtype.
    finite : bool, default True
        Also require finite values.

    Returns
    -------
    numpy.ndarray
        A copy of the array, in the memory order it was saved in (C or Fortran:
        numpy's results can depend on it in the last bits, so a restored
        object keeps it).

    Raises
    ------
    ValueError
        If the array is missing or differs from what is expected.

    Examples
    --------
    >>> import numpy as np
    >>> from ffstream.engine.checkpoint import Checkpoint, stored_array
    >>> checkpoint = Checkpoint("Example", {}, {"coef": np.ones(3)})
    >>> stored_array(checkpoint, "coef", (3,))
    array([1., 1., 1.])
    >>> stored_array(checkpoint, "coef", (2,))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: array 'coef' must have shape (2,) and dtype float64, got shape (3,) ...
    """
    if name not in checkpoint.arrays:
        raise ValueError(f"array {name!r} is missing")
    array = checkpoint.arrays[name]
    if array.shape != tuple(shape) or array.dtype != np.dtype(dtype):
        raise ValueError(
            f"array {name!r} must have shape {tuple(shape)} and dtype {dtype}, got "
            f"shape {array.shape} and dtype {array.dtype}"
        )
    if finite and not np.isfinite(array).all():
        raise ValueError(f"array {name!r} must be finite")
    return array.copy(order="K")


def stored_setting(checkpoint: Checkpoint, name: str, kind: type | tuple) -> Any:
    """Setting ``name`` of ``checkpoint``, which must be an instance of ``kind``.

    Booleans are not integers here: ``kind=int`` rejects ``True``.

    Examples
    --------
    >>> from ffstream.engine.checkpoint import Checkpoint, stored_setting
    >>> checkpoint = Checkpoint("Example", {"n_seen": 5, "flat": True}, {})
    >>> stored_setting(checkpoint, "n_seen", int)
    5
    >>> stored_setting(checkpoint, "flat", int)
    Traceback (most recent call last):
    ...
    ValueError: setting 'flat' must be int, got True
    """
    if name not in checkpoint.settings:
        raise ValueError(f"setting {name!r} is missing")
    value = checkpoint.settings[name]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    is_bool = isinstance(value, bool)
    if not isinstance(value, kinds) or (is_bool and bool not in kinds):
        names = " or ".join(k.__name__ for k in kinds)
        raise ValueError(f"setting {name!r} must be {names}, got {value!r}")
    return value
