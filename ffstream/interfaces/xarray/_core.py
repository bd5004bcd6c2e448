"""What every xarray function shares: the checks of ``obj``, and the apply_ufunc plumbing.

A DataArray is cut into independent *series*: ``dim`` is the time axis, the
optional ``channel_dim`` holds the channels of one multichannel series, and
every other dimension indexes series. :func:`series_of` checks ``obj`` once
(type, dimensions, dtype, chunks, finiteness of eager data) and describes the
cut; :func:`apply_to_series` hands the data to a numpy core through
``xr.apply_ufunc(..., dask="parallelized")``, with each series' flat position in
the full array as a second input, so that dask blocks know which series they
hold (for seeds, and for the coordinates of a NaN found in a block). The numpy
cores loop over the series of a block with :func:`series_rows`.
"""

import copy
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from ffstream.evaluation.progress import with_progress
from ffstream.labels.time_axis import time_axis
from ffstream.models._base import NotFittedError


@dataclass(frozen=True)
class Series:
    """How a DataArray is cut into series (see the module's docstring).

    Attributes
    ----------
    dim : Hashable
        The time dimension.
    channel_dim : Hashable or None
        The channel dimension, or ``None`` for one-channel series.
    series_dims : tuple of Hashable
        The other dimensions, in ``obj``'s order: they index the series.
    series_shape : tuple of int
        Their sizes.
    lazy : bool
        Whether ``obj`` is dask-backed.
    labels : Labels
        ``obj``'s dimensions and indexes, to name the coordinates of a NaN.
    """

    dim: Hashable
    channel_dim: Hashable | None
    series_dims: tuple[Hashable, ...]
    series_shape: tuple[int, ...]
    lazy: bool
    labels: "Labels"

    @property
    def n_series(self) -> int:
        """Number of independent series."""
        return int(np.prod(self.series_shape, dtype=np.int64))

    @property
    def core_dims(self) -> list[Hashable]:
        """The dimensions of one series, as the numpy cores see it: time, then channel."""
        return [self.dim] if self.channel_dim is None else [self.dim, self.channel_dim]

    @property
    def channel_dims(self) -> list[Hashable]:
        """``[channel_dim]``, or ``[]``."""
        return [] if self.channel_dim is None else [self.channel_dim]

    def describe(self, position: int) -> str:
        """The series at flat ``position``, e.g. ``"the series at station='a'"``."""
        if not self.series_dims:
            return "the series"
        index = np.unravel_index(int(position), self.series_shape)
        parts = [
            self.labels.describe_one(dim, int(i))
            for dim, i in zip(self.series_dims, index, strict=True)
        ]
        return "the series at " + ", ".join(parts)


#: Dask blocks carry the labels of indexes up to this long (each task holds a copy);
#: beyond it, their error messages give positions.
MAX_CARRIED_LABELS = 10_000


@dataclass(frozen=True)
class Labels:
    """``obj``'s dimensions and indexes: enough to name any of its elements.

    Small (indexes, not data) and picklable, so dask blocks carry it.
    ``indexes[i]`` is ``None`` for a dimension without coordinate, and
    ``dropped[i]`` is true for an index left out to keep the tasks small.
    """

    dims: tuple[Hashable, ...]
    indexes: tuple[pd.Index | None, ...]
    dropped: tuple[bool, ...]

    @classmethod
    def of(cls, obj: xr.DataArray, max_labels: int | None = None) -> "Labels":
        """The labels of ``obj``, without indexes longer than ``max_labels``."""
        indexes = [obj.indexes.get(dim) for dim in obj.dims]
        dropped = [
            index is not None and max_labels is not None and len(index) > max_labels
            for index in indexes
        ]
        kept = [
            None if drop else index
            for index, drop in zip(indexes, dropped, strict=True)
        ]
        return cls(tuple(obj.dims), tuple(kept), tuple(dropped))

    def describe_one(self, dim: Hashable, position: int) -> str:
        """``"station='a'"``: the label at ``position`` of ``dim`` (or the position)."""
        i = self.dims.index(dim)
        index = self.indexes[i]
        if self.dropped[i]:
            return f"{dim} position {position}"
        return f"{dim}={position if index is None else show_label(index[position])}"

    def describe(self, positions: dict[Hashable, int]) -> str:
        """``"time=2024-01-05, station='a'"`` for the element at ``positions``."""
        return ", ".join(self.describe_one(dim, positions[dim]) for dim in self.dims)


def show_label(label: Any) -> str:
    """A coordinate label as an error message shows it.

    Examples
    --------
    >>> import pandas as pd
    >>> show_label(pd.Timestamp("2024-01-05")), show_label("a"), show_label(3)
    ('2024-01-05', "'a'", '3')
    >>> show_label(pd.Timestamp("2024-01-05 06:00"))
    '2024-01-05 06:00:00'
    """
    if isinstance(label, pd.Timestamp) and label == label.normalize():
        return label.strftime("%Y-%m-%d")
    if isinstance(label, str):
        return repr(label)
    return str(label)


#: The functions that ``Dataset.ffs`` maps over a Dataset's data variables.
DATASET_FUNCTIONS = ("forecast", "convolve")


def require_dataarray(obj: Any, function: str) -> None:
    """Raise ``TypeError`` unless ``obj`` is a DataArray."""
    if isinstance(obj, xr.DataArray):
        return
    if isinstance(obj, xr.Dataset):
        mapped = (
            f", or map over them with ds.ffs.{function}(...)"
            if function in DATASET_FUNCTIONS
            else ""
        )
        raise TypeError(
            "obj must be an xarray.DataArray, got a Dataset: select a variable "
            f"(ds['name']){mapped}"
        )
    raise TypeError(f"obj must be an xarray.DataArray, got {type(obj).__name__}")


def series_of(
    obj: Any, dim: Hashable, channel_dim: Hashable | None, function: str
) -> Series:
    """Check ``obj``, ``dim`` and ``channel_dim``, and describe the series of ``obj``.

    Raises
    ------
    TypeError
        If ``obj`` is not a DataArray of real numbers.
    ValueError
        If ``dim`` or ``channel_dim`` is not a dimension of ``obj`` (or they
        are the same), if ``obj`` is split over several dask chunks along
        either, or if eager ``obj`` holds NaN or infinite values.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> obj = xr.DataArray(np.zeros((3, 5)), dims=("station", "time"))
    >>> series_of(obj, "time", None, "forecast").series_shape
    (3,)
    >>> series_of(obj, "day", None, "forecast")
    Traceback (most recent call last):
    ...
    ValueError: dim='day' is not a dimension of obj, whose dimensions are ('station', 'time')
    """
    require_dataarray(obj, function)
    _require_dim(obj, dim, "dim")
    if channel_dim is not None:
        _require_dim(obj, channel_dim, "channel_dim")
        if channel_dim == dim:
            raise ValueError(
                f"channel_dim must differ from dim: both are {dim!r} (dim is the "
                "time axis, channel_dim holds the channels of each series)"
            )
    if obj.sizes[dim] == 0:
        raise ValueError(f"obj has no samples along dim={dim!r}")
    if obj.dtype.kind not in "iuf":
        raise TypeError(
            f"obj must hold real numbers (integer or floating dtype), got dtype {obj.dtype}"
        )
    lazy = obj.chunks is not None
    core = [dim] if channel_dim is None else [dim, channel_dim]
    if lazy:
        for name in core:
            chunks = obj.chunksizes[name]
            if len(chunks) > 1:
                role = "dim" if name == dim else "channel_dim"
                raise ValueError(
                    f"obj is split into {len(chunks)} dask chunks along {role}={name!r}: "
                    f"each series must be in one chunk along it, so rechunk with "
                    f"obj.chunk({{{name!r}: -1}}) (chunk along the other dimensions "
                    "to spread the series over workers)"
                )
    series_dims = tuple(d for d in obj.dims if d not in core)
    labels = Labels.of(obj, MAX_CARRIED_LABELS if lazy else None)
    if not lazy:
        check_finite(np.asarray(obj.values), labels, dim)
    return Series(
        dim=dim,
        channel_dim=channel_dim,
        series_dims=series_dims,
        series_shape=tuple(obj.sizes[d] for d in series_dims),
        lazy=lazy,
        labels=labels,
    )


def _require_dim(obj: xr.DataArray, name: Hashable, argument: str) -> None:
    if name not in obj.dims:
        raise ValueError(
            f"{argument}={name!r} is not a dimension of obj, whose dimensions are "
            f"{tuple(obj.dims)}"
        )


def require_new_dim(
    obj: xr.DataArray, name: Hashable, argument: str | None = None
) -> None:
    """Raise ``ValueError`` if the result's new dimension ``name`` is already one of ``obj``'s.

    ``argument`` is the parameter that chose the name, if any.
    """
    if name not in obj.dims and name not in obj.coords:
        return
    if argument is not None:
        raise ValueError(
            f"{argument}={name!r} names the new dimension of the result, but obj "
            f"already has a dimension or coordinate {name!r}: pass another name"
        )
    raise ValueError(
        f"the result has a new dimension {name!r}, but obj already has a dimension "
        f"or coordinate {name!r}: rename it first (obj.rename({{{name!r}: ...}}))"
    )


def _nan_message(values: np.ndarray, where: str, first: str, dim: Hashable) -> str:
    bad = ~np.isfinite(values)
    count = int(np.count_nonzero(bad))
    kind = (
        "NaN" if int(np.count_nonzero(np.isnan(values))) == count else "NaN or infinite"
    )
    return (
        f"obj contains {count} {kind} value{'s' if count != 1 else ''}{where}, "
        f"the first at {first}: the forecasters and streams need finite samples, "
        f"so fill or drop them first (e.g. obj.interpolate_na({dim!r}))"
    )


def check_finite(values: np.ndarray, labels: Labels, dim: Hashable) -> None:
    """Raise ``ValueError`` naming the count and first coordinates of non-finite values.

    ``values`` is the whole of ``obj``'s data, in ``obj``'s dimension order;
    ``dim`` is its time dimension (for the hint).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> import xarray as xr
    >>> obj = xr.DataArray(
    ...     [[1.0, np.nan], [np.nan, np.nan]],
    ...     dims=("station", "time"),
    ...     coords={"station": ["a", "b"], "time": pd.date_range("2024-01-04", periods=2)},
    ... )
    >>> check_finite(obj.values, Labels.of(obj), "time")
    Traceback (most recent call last):
    ...
    ValueError: obj contains 3 NaN values, the first at station='a', time=2024-01-05: ...
    """
    if values.size == 0 or np.isfinite(values).all():
        return
    flat = int(np.flatnonzero(~np.isfinite(values))[0])
    first = dict(zip(labels.dims, np.unravel_index(flat, values.shape), strict=True))
    raise ValueError(_nan_message(values, "", labels.describe(first), dim))


def check_block_finite(
    block: np.ndarray,
    positions: np.ndarray,
    series: Series,
) -> None:
    """:func:`check_finite` for one dask block ``(*series, T[, C])`` of ``obj``."""
    if np.isfinite(block).all():
        return
    flat = int(np.flatnonzero(~np.isfinite(block))[0])
    index = np.unravel_index(flat, block.shape)
    n_loop = block.ndim - len(series.core_dims)
    position = int(np.broadcast_to(positions, block.shape[:n_loop])[index[:n_loop]])
    where = dict(
        zip(
            series.series_dims,
            np.unravel_index(position, series.series_shape),
            strict=True,
        )
    )
    where.update(zip(series.core_dims, index[n_loop:], strict=True))
    raise ValueError(
        _nan_message(
            block, " in one dask block", series.labels.describe(where), series.dim
        )
    )


def series_rows(values: np.ndarray, positions: np.ndarray, series: Series) -> tuple:
    """The series of a block as rows ``(n, T[, C])``, their positions ``(n,)``, and the loop shape.

    Checks a dask block's finiteness first (eager data was checked whole by
    :func:`series_of`).
    """
    n_core = len(series.core_dims)
    loop_shape = values.shape[: values.ndim - n_core]
    if series.lazy:
        check_block_finite(values, positions, series)
    rows = values.reshape(-1, *values.shape[values.ndim - n_core :])
    flat_positions = np.broadcast_to(positions, loop_shape).reshape(-1)
    return rows, flat_positions, loop_shape


def fitted_copies(
    template: Any,
    rows: np.ndarray,
    positions: np.ndarray,
    series: Series,
    progress: bool,
) -> Iterator[tuple[int, Any]]:
    """Yield ``(i, model)``: a deep copy of ``template`` fitted on ``rows[i]``, for each row.

    A fit that fails names the series; ``progress`` draws a tqdm bar over the rows.
    """
    n = len(rows)
    for i in with_progress(range(n), progress, total=n, description="series"):
        model = copy.deepcopy(template)
        try:
            model.fit(rows[i])
        except ValueError as error:
            raise ValueError(
                f"cannot fit {template!r} on {series.describe(positions[i])} of obj: {error}"
            ) from error
        yield i, model


def apply_to_series(
    core: Callable[..., Any],
    obj: xr.DataArray,
    series: Series,
    *,
    output_core_dims: Sequence[Sequence[Hashable]],
    output_sizes: dict[Hashable, int],
    kwargs: dict[str, Any],
    exclude_time: bool = True,
) -> Any:
    """Run ``core(values, positions, series=..., **kwargs)`` on ``obj`` through ``xr.apply_ufunc``.

    ``values`` has the series dimensions first (in ``obj``'s order), then
    ``dim`` and ``channel_dim``; ``positions`` holds the series' flat
    positions in the full array (C order over :attr:`Series.series_dims`), an
    integer array chunked like ``obj`` when it is dask-backed. The result has
    the series dimensions first, then each output's core dimensions.
    """
    positions = xr.DataArray(
        np.arange(series.n_series, dtype=np.int64).reshape(series.series_shape),
        dims=series.series_dims,
    )
    if series.lazy:
        positions = positions.chunk({d: obj.chunksizes[d] for d in series.series_dims})
    n_outputs = len(output_core_dims)
    return xr.apply_ufunc(
        core,
        obj,
        positions,
        input_core_dims=[series.core_dims, []],
        output_core_dims=[list(dims) for dims in output_core_dims],
        exclude_dims={series.dim} if exclude_time else set(),
        dask="parallelized",
        output_dtypes=[float] * n_outputs,
        dask_gufunc_kwargs={"output_sizes": output_sizes},
        kwargs={"series": series, **kwargs},
        keep_attrs=True,
    )


def check_template(model: Any, needs: tuple[str, ...]) -> None:
    """Raise unless ``model`` is an unfitted forecaster with the methods ``needs``.

    Raises
    ------
    TypeError
        If ``model`` is a class, or lacks ``fit``, ``n_seen`` or one of ``needs``.
    ValueError
        If ``model`` is already fitted (it is a template: one copy is fitted per series).

    Examples
    --------
    >>> import numpy as np
    >>> import ffstream
    >>> check_template(ffstream.FIRForecaster(order=2), ("forecast",))
    >>> check_template(ffstream.LastValue().fit(np.ones(3)), ("forecast",))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: model must be an unfitted forecaster (...), but LastValue(n_seen=3) is ...
    """
    if isinstance(model, type):
        raise TypeError(
            f"model must be a forecaster instance, got the class {model.__name__}: "
            f"construct it first, e.g. {model.__name__}(...)"
        )
    missing = [
        name for name in ("fit", *needs) if not callable(getattr(model, name, None))
    ]
    if missing:
        raise TypeError(
            f"model must be an unfitted forecaster with the methods "
            f"{', '.join(('fit', *needs))} (e.g. ffstream.FIRForecaster(order=24)); "
            f"{type(model).__name__} has no {', '.join(missing)}"
        )
    try:
        model.n_seen  # noqa: B018  (an unfitted forecaster raises here)
    except NotFittedError:
        return
    except AttributeError as error:
        raise TypeError(
            f"model must be an ffstream forecaster (with n_seen), got {type(model).__name__}"
        ) from error
    raise ValueError(
        f"model must be an unfitted forecaster (a template: one copy of it is fitted "
        f"per series), but {model!r} is already fitted: pass "
        f"{type(model).__name__}(...) as you would construct it"
    )


def continued_labels(
    obj: xr.DataArray, dim: Hashable, horizon: int, freq: Any
) -> pd.Index:
    """The ``horizon`` labels after ``obj``'s time coordinate (positions if it has none).

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> obj = xr.DataArray(np.zeros(4), dims="time", coords={"time": [0, 2, 4, 6]})
    >>> list(continued_labels(obj, "time", 2, None))
    [8, 10]
    >>> list(continued_labels(obj.drop_vars("time"), "time", 2, None))
    [4, 5]
    """
    if dim in obj.indexes:
        return time_axis(obj.indexes[dim], f"obj's coordinate {dim!r}", freq).after(
            horizon
        )
    if freq is not None:
        raise ValueError(
            f"freq={freq!r} is the step of a time coordinate, but obj has no "
            f"coordinate {dim!r} (its results are labelled by sample positions): "
            f"assign one first (obj.assign_coords({dim}=...)) or leave freq=None"
        )
    length = obj.sizes[dim]
    return pd.RangeIndex(length, length + horizon, name=dim)


def check_time_order(obj: xr.DataArray, dim: Hashable) -> None:
    """Raise ``ValueError`` if ``obj``'s coordinate ``dim`` is not increasing and unique."""
    if dim not in obj.indexes:
        return
    index = obj.indexes[dim]
    if index.is_monotonic_increasing and index.is_unique:
        return
    # time_axis words the error (duplicates, or the first label out of order).
    time_axis(index, f"obj's coordinate {dim!r}", None)


def label_time(
    result: xr.DataArray, obj: xr.DataArray, dim: Hashable, labels: pd.Index
) -> xr.DataArray:
    """``result`` with the coordinate ``dim = labels`` (attributes from ``obj``'s)."""
    result = result.assign_coords({dim: labels})
    if dim in obj.coords:
        result[dim].attrs.update(obj[dim].attrs)
    return result


def finish(
    result: xr.DataArray, obj: xr.DataArray, dims: Sequence[Hashable]
) -> xr.DataArray:
    """``result`` transposed to ``dims``, with ``obj``'s name and attributes."""
    result = result.transpose(*dims)
    result.name = obj.name
    result.attrs = dict(obj.attrs)
    return result


def seed_sequence(seed: Any) -> np.random.SeedSequence:
    """The root of every series' noise: ``SeedSequence(seed)``.

    ``None`` draws fresh entropy (once: the series still get distinct,
    chunking-independent streams); a generator gives 126 bits of its output; a
    SeedSequence is used as it is (the series get its children ``spawn(n)`` would
    give, so its already spawned children must not be used elsewhere).

    Examples
    --------
    >>> seed_sequence(1).entropy
    1
    >>> seed_sequence(-1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: seed must be None, an integer >= 0, ... or a Generator, got -1
    """
    if isinstance(seed, np.random.SeedSequence):
        # As numpy does: SeedSequence(9) gives the numbers of 9. The series' streams
        # are its children (spawn_key + (position,)), so do not also hand its
        # spawned children elsewhere.
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(
            int(seed.integers(0, 2**63)) << 64 | int(seed.integers(0, 2**63))
        )
    if seed is None:
        return np.random.SeedSequence()
    valid = isinstance(seed, (int, np.integer)) and not isinstance(
        seed, (bool, np.bool_)
    )
    if not valid or seed < 0:
        raise (ValueError if valid else TypeError)(
            "seed must be None, an integer >= 0, a numpy.random.SeedSequence or a "
            f"Generator, got {seed!r}"
        )
    return np.random.SeedSequence(int(seed))


def series_generator(
    root: np.random.SeedSequence, position: int
) -> np.random.Generator:
    """The generator of the series at flat ``position``: ``root.spawn(n)[position]``'s.

    Derived from the position alone, so the numbers do not depend on how the
    series are chunked or in which order they are computed.

    Examples
    --------
    >>> import numpy as np
    >>> root = np.random.SeedSequence(7)
    >>> a = series_generator(root, 2).standard_normal()
    >>> bool(a == np.random.default_rng(np.random.SeedSequence(7).spawn(3)[2]).standard_normal())
    True
    """
    child = np.random.SeedSequence(
        root.entropy,
        spawn_key=(*root.spawn_key, int(position)),
        pool_size=root.pool_size,
    )
    return np.random.default_rng(child)
