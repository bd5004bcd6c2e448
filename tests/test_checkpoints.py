"""Checkpoints: streams and models saved to disk continue bit for bit; bad files fail clearly."""

import json
import os
import pickle
import stat
import struct
import zipfile

import numpy as np
import pytest

import ffstream
from ffstream.engine import checkpoint as checkpoints
from ffstream.engine.checkpoint import (
    FORMAT_VERSION,
    METADATA,
    Checkpoint,
    CheckpointError,
    read_checkpoint,
    stored_array,
    write_checkpoint,
)

from reference import naive_causal_conv, simulate_var


def saved_and_loaded(obj, path):
    obj.save(path)
    return ffstream.load(path)


# -- streams ---------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
@pytest.mark.parametrize("length", [1, 37, 300, 1030])
def test_a_loaded_stream_continues_bit_for_bit(
    tmp_path, rng, method, layout, length, make_filters, make_inputs
):
    filters = make_filters(rng, layout, length, gain=0.9)
    inputs = make_inputs(rng, layout, 2500)
    full = naive_causal_conv(filters, inputs)
    stream = ffstream.OnlineConv(filters, method)
    for cut in (0, 1, 257, 1777):  # empty, one sample, mid-block, past the ring
        stream.reset()
        stream.push_block(inputs[:cut])
        loaded = saved_and_loaded(stream, tmp_path / f"stream{cut}.ffs")
        assert type(loaded) is ffstream.OnlineConv
        assert (loaded.method, loaded.n_seen, loaded.epoch) == (
            stream.method,
            cut,
            stream.epoch,
        )
        assert loaded.delay_line_block == stream.delay_line_block
        if loaded.n_inputs == loaded.n_outputs:
            assert np.array_equal(loaded.rollout(50), stream.rollout(50))
        outputs = []
        for start, stop in ((cut, cut + 1), (cut + 1, cut + 300), (cut + 300, 2500)):
            outputs.append(loaded.push_block(inputs[start:stop]))
            assert np.array_equal(outputs[-1], stream.push_block(inputs[start:stop]))
        # The loaded stream continues the convolution of every input so far.
        np.testing.assert_allclose(
            np.concatenate(outputs), full[cut:], rtol=1e-10, atol=1e-10
        )


def test_a_stream_keeps_its_options_and_a_prefill(tmp_path, rng):
    h = rng.standard_normal(5000) * 0.999 ** np.arange(5000) / 30
    u = rng.standard_normal(9000)
    for options in (
        {"method": "continuous", "crossover": 32, "delay_line_block": 1024},
        {"method": "continuous", "crossover": 512},
        {"method": "epoched", "epoch": 77},
    ):
        stream = ffstream.OnlineConv(h, **options)
        stream.prefill(u[:6000])
        stream.push_block(u[6000:6100])
        loaded = saved_and_loaded(stream, tmp_path / "options.ffs")
        plan, loaded_plan = stream._plan, loaded._plan
        assert np.array_equal(plan.params, loaded_plan.params)
        assert np.array_equal(plan.level_offsets, loaded_plan.level_offsets)
        assert plan.crossover == loaded_plan.crossover
        assert np.array_equal(loaded.push_block(u[6100:]), stream.push_block(u[6100:]))


def test_a_saved_stream_is_left_unchanged_and_its_copy_independent(tmp_path, rng):
    stream = ffstream.OnlineConv(rng.standard_normal(64))
    stream.push_block(rng.standard_normal(100))
    before = stream.state()
    stream.save(tmp_path / "s.ffs")
    after = stream.state()
    assert all(np.array_equal(before[k], after[k]) for k in before)
    loaded = ffstream.OnlineConv.load(tmp_path / "s.ffs")
    loaded.push_block(np.ones(10))
    assert stream.n_seen == 100


# -- models ------------------------------------------------------------------------


def _ar_series(rng, d, n=1500):
    coef = np.zeros((3, d, d))
    coef[0] = 0.5 * np.eye(d)
    coef[1] = -0.2 * np.eye(d) + 0.05
    return simulate_var(rng, coef, n, intercept=np.linspace(0.1, 0.3, d))


def _assert_models_agree(a, b, y_more):
    """Everything the two models do next gives the same bits."""
    assert repr(a) == repr(b)
    assert np.array_equal(a.forecast(40), b.forecast(40))
    assert np.array_equal(
        a.forecast(40, method="naive"), b.forecast(40, method="naive")
    )
    assert np.array_equal(
        a.sample_paths(30, 70, seed=3), b.sample_paths(30, 70, seed=3)
    )
    lower_a, upper_a = a.prediction_interval(20, n_paths=80, seed=4)
    lower_b, upper_b = b.prediction_interval(20, n_paths=80, seed=4)
    assert np.array_equal(lower_a, lower_b) and np.array_equal(upper_a, upper_b)
    for chunk in np.array_split(y_more, 3):
        a.update(chunk, learn=True)
        b.update(chunk, learn=True)
        assert np.array_equal(a.forecast(25), b.forecast(25))
    a.update(y_more[:7])
    b.update(y_more[:7])
    assert np.array_equal(a.forecast(25), b.forecast(25))
    assert np.array_equal(a.intercept_, b.intercept_)
    assert np.array_equal(a.prediction_cov_, b.prediction_cov_)


MODELS = {
    "fir": lambda: ffstream.FIRForecaster(order=12, ridge=0.01, step_size=0.05),
    "fir-yule-walker": lambda: ffstream.FIRForecaster(order=5, solver="yule-walker"),
    "spectral": lambda: ffstream.SpectralForecaster(
        n_filters=4, context=64, ar_order=3, forgetting=0.999
    ),
}


@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("d", [1, 2])
@pytest.mark.parametrize("history", ["fitted", "updated", "learned"])
def test_a_loaded_model_continues_bit_for_bit(tmp_path, rng, name, d, history):
    y = _ar_series(rng, d)
    y = y[:, 0] if d == 1 else y
    model = MODELS[name]().fit(y[:1000])
    if history in ("updated", "learned"):
        model.update(y[1000:1100], learn=history == "learned")
    if history == "learned":
        model.update(y[1100:1150], learn=True)  # the filter is now outdated
        assert model._filter_outdated
    loaded = saved_and_loaded(model, tmp_path / "model.ffs")
    assert type(loaded) is type(model)
    assert loaded.n_seen == model.n_seen
    _assert_models_agree(model, loaded, y[1150:1400])


def test_a_spectral_model_keeps_its_feature_engines(tmp_path, rng):
    y = _ar_series(rng, 2)
    model = MODELS["spectral"]().fit(y[:1000]).update(y[1000:1010], learn=True)
    loaded = saved_and_loaded(model, tmp_path / "spectral.ffs")
    engines, loaded_engines = model._feature_engines, loaded._feature_engines
    assert len(loaded_engines) == len(engines) == 2
    for engine, twin in zip(engines, loaded_engines, strict=True):
        state, twin_state = engine.state(), twin.state()
        assert all(np.array_equal(state[k], twin_state[k]) for k in state)
    # Learning goes on with the same engines, not ones rebuilt by a prefill.
    model.update(y[1010:1020], learn=True)
    loaded.update(y[1010:1020], learn=True)
    assert np.array_equal(model.weights_, loaded.weights_)


@pytest.mark.parametrize(
    "make",
    [lambda: ffstream.SeasonalNaive(7), ffstream.LastValue],
    ids=["seasonal", "last"],
)
def test_baselines_round_trip(tmp_path, rng, make):
    y = rng.standard_normal((50, 2))
    model = make().fit(y[:40])
    loaded = saved_and_loaded(model, tmp_path / "baseline.ffs")
    assert type(loaded) is type(model) and repr(loaded) == repr(model)
    assert np.array_equal(
        loaded.update(y[40:]).forecast(9), model.update(y[40:]).forecast(9)
    )
    flat = saved_and_loaded(make().fit(y[:, 0]), tmp_path / "flat.ffs")
    assert flat.forecast(3).shape == (3,)


@pytest.mark.parametrize(
    "make",
    [
        lambda: ffstream.FIRForecaster(order=3, ridge=0.5, fit_intercept=False),
        lambda: ffstream.SpectralForecaster(n_filters=2, context=8, forgetting=0.9),
        lambda: ffstream.SeasonalNaive(4),
        ffstream.LastValue,
    ],
)
def test_an_unfitted_model_keeps_its_settings(tmp_path, make):
    model = make()
    loaded = saved_and_loaded(model, tmp_path / "unfitted.ffs")
    assert type(loaded) is type(model)
    assert vars(loaded).keys() == vars(model).keys()
    assert repr(loaded) == repr(model)
    assert loaded.fit(np.arange(30.0) % 5).n_seen == 30


def test_pickles_still_work(rng):
    y = _ar_series(rng, 2)
    model = ffstream.FIRForecaster(order=4).fit(y)
    twin = pickle.loads(pickle.dumps(model))
    assert np.array_equal(twin.forecast(10), model.forecast(10))


# -- bad files -------------------------------------------------------------------


@pytest.fixture
def stream_file(tmp_path, rng):
    path = tmp_path / "stream.ffs"
    stream = ffstream.OnlineConv(rng.standard_normal(300))
    stream.push_block(rng.standard_normal(500))
    stream.save(path)
    return path


def _error(path, match, error=ValueError):
    with pytest.raises(error) as raised:
        ffstream.load(path)
    message = str(raised.value)
    assert str(path) in message, message
    assert match in message, message
    # A checkpoint problem, not numpy's or zipfile's own traceback.
    error = raised.value
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__


def test_a_missing_file(tmp_path):
    _error(tmp_path / "nothing.ffs", "does not exist", FileNotFoundError)


def test_a_folder_a_text_file_and_an_empty_file(tmp_path):
    _error(tmp_path, "not a file")
    (tmp_path / "notes.txt").write_text("hello")
    _error(tmp_path / "notes.txt", "not a zip archive")
    (tmp_path / "empty.ffs").write_bytes(b"")
    _error(tmp_path / "empty.ffs", "not a zip archive")


def test_a_numpy_savez_file_is_not_a_checkpoint(tmp_path, rng):
    stream = ffstream.OnlineConv(rng.standard_normal(10))
    path = tmp_path / "state.npz"
    np.savez(path, **stream.state())
    _error(path, f"it has no {METADATA}")


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.99])
def test_a_truncated_checkpoint(tmp_path, stream_file, fraction):
    data = stream_file.read_bytes()
    cut = tmp_path / "cut.ffs"
    cut.write_bytes(data[: int(len(data) * fraction)])
    _error(cut, "cut short")


def _member_contents(path):
    """Byte ranges of the members' contents in the zip file at ``path``."""
    data = path.read_bytes()
    ranges = []
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            header = info.header_offset
            name_length, extra_length = struct.unpack(
                "<HH", data[header + 26 : header + 30]
            )
            start = header + 30 + name_length + extra_length
            ranges.append((start, start + info.compress_size))
    return ranges


def test_every_altered_byte_of_the_contents_is_caught(tmp_path, stream_file):
    # Each byte of the metadata and of every array (headers and values); zip
    # header fields that nothing reads, such as timestamps, may change harmlessly.
    data = stream_file.read_bytes()
    altered = tmp_path / "altered.ffs"
    rng = np.random.default_rng(0)
    for start, stop in _member_contents(stream_file):
        for position in rng.integers(start, stop, 8):
            changed = bytearray(data)
            changed[position] ^= 0x5A
            altered.write_bytes(bytes(changed))
            _error(altered, "altered.ffs is corrupted")


def _rewrite(source, target, change_metadata=None, change_members=None):
    """Copy checkpoint ``source`` to ``target`` with its metadata or members changed."""
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    metadata = json.loads(members[METADATA])
    if change_metadata:
        change_metadata(metadata)
    members[METADATA] = json.dumps(metadata).encode()
    if change_members:
        change_members(members)
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_a_future_version(tmp_path, stream_file):
    target = tmp_path / "future.ffs"

    def newer(metadata):
        metadata.update(version=FORMAT_VERSION + 1, ffstream_version="9.0")

    _rewrite(stream_file, target, newer)
    _error(target, f"version {FORMAT_VERSION + 1}; this ffstream reads versions up to")
    assert "9.0" in pytest.raises(ValueError, ffstream.load, target).value.args[0]


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda m: m.update(format="other"), "does not name the format"),
        (lambda m: m.update(version="1"), "format version is '1'"),
        (lambda m: m.update(version=True), "format version is True"),
        (lambda m: m.pop("settings"), "lacks its kind, settings or arrays"),
        (lambda m: m.update(kind="Mystery"), "unknown kind 'Mystery'"),
        (lambda m: m["arrays"]["filters"].update(dtype="object"), "metadata of array"),
        (
            lambda m: m["arrays"]["filters"].update(shape=[3]),
            "metadata says float64 and (3,)",
        ),
        (
            lambda m: m["arrays"]["state.ring"].update(shape=[1, 2]),
            "larger than its shape",
        ),
        (lambda m: m["arrays"]["filters"].update(shape=[400]), "has dtype float64"),
        (lambda m: m["settings"].update(method="fast"), "method must be one of"),
        (lambda m: m["settings"].update(crossover=True), "setting 'crossover' must be"),
        (lambda m: m["settings"].update(epoch=5), "epoch is only used by"),
    ],
)
def test_altered_metadata(tmp_path, stream_file, change, match):
    target = tmp_path / "changed.ffs"
    _rewrite(stream_file, target, change)
    _error(target, match)


def test_missing_and_extra_members(tmp_path, stream_file):
    target = tmp_path / "members.ffs"
    _rewrite(stream_file, target, change_members=lambda m: m.pop("arrays/filters.npy"))
    _error(target, "members missing ['arrays/filters.npy']")
    _rewrite(stream_file, target, change_members=lambda m: m.update({"run.py": b"x"}))
    _error(target, "unexpected ['run.py']")
    target.write_bytes(b"")
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("other.txt", "x")
    _error(target, f"no {METADATA}")


def test_metadata_that_is_not_json(tmp_path, stream_file):
    target = tmp_path / "json.ffs"
    _rewrite(
        stream_file, target, change_members=lambda m: m.update({METADATA: b"{oops"})
    )
    _error(target, "is not valid JSON")


class _Alarm:
    """Unpickling this object would record that code from the file ran."""

    ran = False

    def __reduce__(self):
        return (_Alarm._ring, ())

    @staticmethod
    def _ring():
        _Alarm.ran = True


def test_a_pickle_inside_a_checkpoint_is_never_run(tmp_path, stream_file):
    target = tmp_path / "pickle.ffs"
    payload = tmp_path / "payload.npy"
    np.save(payload, np.array([_Alarm()], dtype=object), allow_pickle=True)

    def smuggle(members):
        members["arrays/filters.npy"] = payload.read_bytes()

    _rewrite(stream_file, target, change_members=smuggle)
    _error(target, "array 'filters' has dtype object")
    assert not _Alarm.ran


def test_an_array_member_with_too_few_or_too_many_bytes(tmp_path, stream_file):
    target = tmp_path / "bytes.ffs"
    member = "arrays/filters.npy"

    def shorten(members):
        members[member] = members[member][:-8]

    def lengthen(members):
        members[member] = members[member] + bytes(8)

    for change in (shorten, lengthen):
        _rewrite(stream_file, target, change_members=change)
        _error(target, "array 'filters' does not hold 2400 bytes of data")
    _rewrite(
        stream_file, target, change_members=lambda m: m.update({member: b"\x93NUMPY"})
    )
    _error(target, "array 'filters' cannot be read")


def test_consistent_checksums_but_contents_that_do_not_fit(tmp_path, rng):
    y = _ar_series(rng, 2)
    model = ffstream.FIRForecaster(order=4).fit(y)
    good = model._to_checkpoint()
    cases = {
        "coef": ("coef", np.zeros((3, 2, 2)), "array 'coef' must have shape (4, 2, 2)"),
        "nan": (
            "intercept",
            np.array([np.nan, 0.0]),
            "array 'intercept' must be finite",
        ),
        "ring": (
            "stream.state.ring",
            np.zeros((2, 3)),
            "state['ring'] must have shape",
        ),
        "counters": (
            "stream.state.counters",
            np.array([1, 5]),
            "state['counters'] must hold",
        ),
    }
    for name, (array, value, match) in cases.items():
        arrays = dict(good.arrays)
        arrays[array] = value
        path = tmp_path / f"{name}.ffs"
        write_checkpoint(path, Checkpoint(good.kind, good.settings, arrays))
        _error(path, match)
        _error(path, "do not make a valid FIRForecaster")
    settings = json.loads(json.dumps(good.settings))
    settings["parameters"]["order"] = 0
    write_checkpoint(
        tmp_path / "order.ffs", Checkpoint(good.kind, settings, good.arrays)
    )
    _error(tmp_path / "order.ffs", "order must be")
    settings["parameters"] = {"order": 4, "lags": 2}
    write_checkpoint(
        tmp_path / "extra.ffs", Checkpoint(good.kind, settings, good.arrays)
    )
    _error(tmp_path / "extra.ffs", "lags")


def test_loading_through_the_wrong_class(tmp_path, stream_file, rng):
    with pytest.raises(ValueError, match="kind 'OnlineConv', not FIRForecaster"):
        ffstream.FIRForecaster.load(stream_file)
    path = tmp_path / "last.ffs"
    ffstream.LastValue().fit(np.ones(3)).save(path)
    # LastValue is a SeasonalNaive; a SeasonalNaive is not a LastValue.
    assert type(ffstream.SeasonalNaive.load(path)) is ffstream.LastValue
    ffstream.SeasonalNaive(2).save(path)
    with pytest.raises(ValueError, match="kind 'SeasonalNaive', not LastValue"):
        ffstream.LastValue.load(path)


def test_a_path_that_is_not_a_path(rng):
    stream = ffstream.OnlineConv(np.ones(3))
    with pytest.raises(TypeError, match="path must be a str or os.PathLike, got int"):
        stream.save(3)
    with pytest.raises(TypeError, match="path must be a str or os.PathLike, got bytes"):
        ffstream.load(b"x.ffs")


def test_a_failed_save_leaves_the_earlier_file(tmp_path, stream_file, monkeypatch):
    before = stream_file.read_bytes()

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(checkpoints.np.lib.format, "write_array", full_disk)
    with pytest.raises(OSError, match="No space left"):
        ffstream.OnlineConv(np.ones(5)).save(stream_file)
    assert stream_file.read_bytes() == before
    assert sorted(p.name for p in stream_file.parent.iterdir()) == ["stream.ffs"]


def test_a_checkpoint_is_an_ordinary_file_for_the_umask(tmp_path):
    umask = os.umask(0o022)
    try:
        ffstream.OnlineConv(np.ones(3)).save(tmp_path / "mode.ffs")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "mode.ffs").stat().st_mode) == 0o644


def test_read_checkpoint_gives_the_arrays_it_was_given(tmp_path):
    arrays = {"a": np.arange(6.0).reshape(2, 3), "b": np.arange(4), "c": np.zeros(0)}
    write_checkpoint(tmp_path / "x.ffs", Checkpoint("X", {"k": [1, 2.5, None]}, arrays))
    read = read_checkpoint(tmp_path / "x.ffs")
    assert read == Checkpoint("X", {"k": [1, 2.5, None]}, arrays)
    assert read.arrays["b"].dtype == np.int64
    # The memory order is kept: numpy's sums can depend on it in the last bits.
    fortran = np.asfortranarray(np.arange(12.0).reshape(3, 4))
    write_checkpoint(tmp_path / "f.ffs", Checkpoint("X", {}, {"f": fortran}))
    checkpoint = read_checkpoint(tmp_path / "f.ffs")
    assert checkpoint.arrays["f"].flags.f_contiguous
    assert stored_array(checkpoint, "f", (3, 4)).flags.f_contiguous
    with pytest.raises(TypeError, match="array 'd' has dtype complex128"):
        write_checkpoint(
            tmp_path / "y.ffs", Checkpoint("X", {}, {"d": np.ones(2) * 1j})
        )
    with pytest.raises(CheckpointError):
        ffstream.load(tmp_path / "x.ffs")  # kind "X" is not a known class


@pytest.mark.parametrize("method", ["continuous", "bounded"])
def test_a_prefilled_stream_restored_elsewhere_continues_one_sample_at_a_time(
    tmp_path, rng, method
):
    # The restored plan has computed no spectrum yet: the first pushes after the
    # origin must still see every partition of the delay line.
    h = rng.standard_normal(1000) * 0.99 ** np.arange(1000)
    u = rng.standard_normal(977)
    stream = ffstream.OnlineConv(h, method, delay_line_block=16)
    stream.prefill(u[:777])
    stream.save(tmp_path / "prefilled.ffs")
    restored = {
        "load": ffstream.load(tmp_path / "prefilled.ffs"),
        "from_state": ffstream.OnlineConv.from_state(
            h, stream.state(), method, delay_line_block=16
        ),
    }
    expected = [stream.push(x) for x in u[777:]]
    np.testing.assert_allclose(expected, np.convolve(u, h)[777:977], rtol=1e-10)
    for twin in restored.values():
        assert [twin.push(x) for x in u[777:]] == expected


def test_a_diverged_advancing_rollout_saves_and_loads(tmp_path):
    stream = ffstream.OnlineConv(np.array([2.0]))
    stream.push(1.0)
    with pytest.warns(RuntimeWarning, match="NaN or infinite"):
        tokens = stream.rollout(1100, advance=True)
    assert np.isinf(tokens[-1])
    loaded = saved_and_loaded(stream, tmp_path / "diverged.ffs")
    assert loaded.n_seen == stream.n_seen == 1101
    twin = ffstream.OnlineConv(np.array([2.0]))
    twin.set_state(stream.state())
    assert np.array_equal(twin.recent(3), stream.recent(3))


def test_a_model_history_shorter_than_its_order_is_refused(tmp_path, rng):
    model = ffstream.FIRForecaster(order=50).fit(rng.standard_normal(200))
    good = model._to_checkpoint()
    empty = ffstream.OnlineConv(model._taps)._to_checkpoint()
    bad = Checkpoint(good.kind, good.settings, dict(good.arrays)).with_part(
        "stream", empty
    )
    write_checkpoint(tmp_path / "short.ffs", bad)
    _error(tmp_path / "short.ffs", "the history must hold at least order=50 samples")


@pytest.mark.parametrize(
    ("metadata", "match"),
    [
        (b"[" * 100_000, "is not valid JSON"),
        (b'{"format": "ffstream-checkpoint", "version": ' + b"9" * 5000 + b"}", "JSON"),
    ],
    ids=["deep", "huge-number"],
)
def test_pathological_metadata(tmp_path, stream_file, metadata, match):
    target = tmp_path / "odd.ffs"
    _rewrite(
        stream_file, target, change_members=lambda m: m.update({METADATA: metadata})
    )
    _error(target, match)


def test_an_overflowing_setting_and_an_oversized_metadata(
    tmp_path, stream_file, monkeypatch
):
    target = tmp_path / "epoch.ffs"

    def huge_epoch(metadata):
        metadata["settings"].update(method="epoched", epoch=2**70)

    _rewrite(stream_file, target, huge_epoch)
    _error(target, "do not make a valid OnlineConv")
    monkeypatch.setattr(checkpoints, "_METADATA_LIMIT", 100)
    _error(stream_file, "more than the 100 any checkpoint needs")
