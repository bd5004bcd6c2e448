"""Exporting and importing a stream's state: OnlineConv.state, set_state, from_state."""

import numpy as np
import pytest

import ffstream

#: (d_in, d_out) of each layout tried.
LAYOUTS = {"scalar": (1, 1), "depthwise": (2, 2), "mimo": (2, 3), "mimo-square": (2, 2)}
#: Options of each schedule beyond its default (a short epoch, a delay line).
OPTIONS = {
    "naive": [{}],
    "epoched": [{}, {"epoch": 7}],
    "continuous": [{}, {"crossover": 4}, {"delay_line_block": 16}],
    "bounded": [{}, {"crossover": 4}, {"delay_line_block": 16}],
}


def make_stream(make_filters, rng, layout, method, options, length=200):
    d_in, d_out = LAYOUTS[layout]
    kind = layout.removesuffix("-square")
    h = make_filters(rng, kind, length, d_in=d_in, d_out=d_out)
    return h, ffstream.OnlineConv(h, method, **options)


def assert_same_state(first, second):
    a, b = first.state(), second.state()
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("prefilled", [False, True], ids=["pushed", "prefilled"])
def test_a_resumed_stream_continues_bit_for_bit(
    make_filters, make_inputs, rng, layout, method, prefilled
):
    d_in, d_out = LAYOUTS[layout]
    kind = layout.removesuffix("-square")
    for options in OPTIONS[method]:
        h, stream = make_stream(make_filters, rng, layout, method, options)
        if prefilled:
            stream.prefill(make_inputs(rng, kind, 333, d_in=d_in))
        stream.push_block(make_inputs(rng, kind, 77, d_in=d_in))
        resumed = ffstream.OnlineConv.from_state(h, stream.state(), method, **options)
        assert resumed.n_seen == stream.n_seen
        np.testing.assert_array_equal(resumed.recent(500), stream.recent(500))
        if d_in == d_out:  # identity feedback: the next input is the output
            np.testing.assert_array_equal(resumed.rollout(50), stream.rollout(50))
        for size in (1, 3, 64, 250):
            block = make_inputs(rng, kind, size, d_in=d_in)
            np.testing.assert_array_equal(
                resumed.push_block(block), stream.push_block(block)
            )
        assert_same_state(resumed, stream)


def test_a_state_survives_savez_and_load(make_filters, rng, tmp_path):
    h, stream = make_stream(make_filters, rng, "mimo", "continuous", {})
    stream.push_block(rng.standard_normal((300, 2)))
    np.savez(tmp_path / "state.npz", **stream.state())
    with np.load(tmp_path / "state.npz") as saved:
        resumed = ffstream.OnlineConv.from_state(h, saved)
    block = rng.standard_normal((40, 2))
    np.testing.assert_array_equal(resumed.push_block(block), stream.push_block(block))


def test_exported_and_imported_arrays_are_copies(make_filters, rng):
    h, stream = make_stream(make_filters, rng, "scalar", "continuous", {})
    stream.push_block(rng.standard_normal(50))
    exported = stream.state()
    for array in exported.values():
        array[...] = 0
    assert stream.n_seen == 50
    other = ffstream.OnlineConv(h)
    state = stream.state()
    other.set_state(state)
    state["counters"][...] = 0
    state["ring"][...] = 0.0
    assert other.n_seen == 50
    np.testing.assert_array_equal(other.push(1.0), stream.push(1.0))


def test_copy_forks_through_the_exported_state(make_filters, rng):
    h, stream = make_stream(make_filters, rng, "depthwise", "epoched", {"epoch": 9})
    stream.push_block(rng.standard_normal((31, 2)))
    fork = stream.copy()
    assert_same_state(fork, stream)
    fork.push_block(np.ones((5, 2)))
    assert (fork.n_seen, stream.n_seen) == (36, 31)
    assert fork.epoch == stream.epoch == 9


def _corrupt(state, key, value):
    return {**state, key: value}


def bad_states(stream, other_plan_state):
    """(state, exception, message) triples that ``set_state`` must reject."""
    good = stream.state()
    ring = good["ring"]
    half = ring.shape[-1] // 2
    # A NaN in one half only (a non-finite input in both halves is a valid
    # state: a diverged rollout with advance=True leaves one).
    nan_ring = ring.copy()
    nan_ring[0, half] = np.nan
    split_ring = ring.copy()
    split_ring[0, 0] += 1.0
    return [
        ([("ring", ring)], TypeError, "mapping"),
        ({k: v for k, v in good.items() if k != "cache"}, ValueError, "exactly"),
        ({**good, "extra": np.zeros(1)}, ValueError, "exactly"),
        (
            _corrupt(good, "counters", good["counters"].astype(float)),
            TypeError,
            "dtype",
        ),
        (_corrupt(good, "ring", ring.astype(np.float32)), TypeError, "dtype"),
        (_corrupt(good, "cache", good["cache"][..., :-1]), ValueError, "shape"),
        (other_plan_state, ValueError, "shape"),
        (_corrupt(good, "counters", np.array([5, 6])), ValueError, "origin"),
        (_corrupt(good, "counters", np.array([-1, -1])), ValueError, "origin"),
        (_corrupt(good, "ring", nan_ring), ValueError, "halves"),
        (_corrupt(good, "ring", split_ring), ValueError, "halves"),
    ]


@pytest.mark.parametrize("case", range(11))
def test_a_bad_state_is_rejected_and_leaves_the_stream_unchanged(
    make_filters, rng, method, case
):
    h, stream = make_stream(make_filters, rng, "mimo", method, {})
    stream.push_block(rng.standard_normal((120, 2)))
    other = ffstream.OnlineConv(h[:100], method)  # other filters: other sizes
    cases = bad_states(stream, other.state())
    assert len(cases) == 11
    state, error, message = cases[case]
    before = stream.state()
    twin = stream.copy()
    with pytest.raises(error, match=message):
        stream.set_state(state)
    with pytest.raises(error, match=message):
        ffstream.OnlineConv.from_state(h, state, method)
    after = stream.state()
    for key in before:
        np.testing.assert_array_equal(after[key], before[key], err_msg=key)
    block = rng.standard_normal((10, 2))
    np.testing.assert_array_equal(stream.push_block(block), twin.push_block(block))


def test_a_state_of_another_schedule_is_rejected(make_filters, rng):
    h = make_filters(rng, "scalar", 300)
    continuous = ffstream.OnlineConv(h, "continuous", delay_line_block=16)
    continuous.push_block(rng.standard_normal(40))
    epoched = ffstream.OnlineConv(h, "epoched", 5)
    with pytest.raises(ValueError, match="for these filters and method"):
        epoched.set_state(continuous.state())
    assert epoched.n_seen == 0
