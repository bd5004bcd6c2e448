"""The bounded schedule: the same sums, and work per sample bounded whatever the position.

Exactness at every layout, length and chunking is also tested by every test that
takes the ``method`` fixture (``"bounded"`` is one of the methods). Here: the
delay line's block sizes, and the work per sample counted by
``kernels.schedules.step_work`` (the operations each step schedules, in the
cost model's units), whose maximum over long streams must stay within
``engine.cost_model.bounded_step_cost``.
"""

import numpy as np
import pytest

import ffstream
from ffstream.engine.cost_model import SPECTRAL_MAC_COST, bounded_step_cost
from ffstream.kernels.schedules import step_work

from reference import naive_causal_conv_fast


@pytest.mark.parametrize("layout", ["scalar", "depthwise", "mimo"])
@pytest.mark.parametrize("delay_line_block", [1, 16, 64, 4096])
@pytest.mark.parametrize("length", [2, 33, 700, 2500])
def test_every_delay_line_block_gives_the_naive_sums(
    rng, layout, delay_line_block, length, make_filters, make_inputs
):
    filters = make_filters(rng, layout, length)
    inputs = make_inputs(rng, layout, 3 * length + 300)
    stream = ffstream.OnlineConv(
        filters, "bounded", crossover=8, delay_line_block=delay_line_block
    )
    cuts = np.sort(rng.choice(len(inputs), 6, replace=False))
    out = np.concatenate([stream.push_block(part) for part in np.split(inputs, cuts)])
    expected = naive_causal_conv_fast(filters, inputs)
    np.testing.assert_allclose(
        out, expected, rtol=1e-10, atol=1e-10 * np.abs(expected).max()
    )


def _work_per_sample(stream, n_samples, rng):
    """The work ``step_work`` counts for each of ``n_samples`` pushes, and the outputs."""
    plan = stream._plan
    bank = plan.bank
    n_channels = bank.n_inputs + bank.n_outputs
    n_products = bank.n_outputs * bank.taps.shape[1]
    work = np.empty(n_samples)
    inputs = rng.standard_normal((n_samples, stream.n_inputs))
    for i in range(n_samples):
        work[i] = step_work(
            plan.params, plan.level_offsets, bank.length, n_channels, n_products,
            SPECTRAL_MAC_COST, stream._state.counters,
        )  # fmt: skip
        stream.push_block(inputs[i : i + 1])
    return work, n_channels, n_products


def _bound(stream, n_channels, n_products):
    plan = stream._plan
    window = int(plan.params[3])
    return bounded_step_cost(
        plan.delay_line_block, plan.bank.length, window, n_channels, n_products
    )


@pytest.mark.parametrize(
    ("shape", "prefill"),
    [((5000,), 0), ((2**14,), 0), ((2**14,), 9999), ((3000, 2), 0), ((1500, 2, 2), 0)],
)
def test_no_sample_does_more_work_than_the_bound(rng, shape, prefill):
    filters = rng.standard_normal(shape) * 0.999 ** np.arange(shape[0]).reshape(
        (-1,) + (1,) * (len(shape) - 1)
    )
    stream = ffstream.OnlineConv(filters, "bounded")
    if prefill:
        samples = (prefill,) if len(shape) == 1 else (prefill, stream.n_inputs)
        stream.prefill(rng.standard_normal(samples))
    length = shape[0]
    work, n_channels, n_products = _work_per_sample(stream, 3 * length + 77, rng)
    bound = _bound(stream, n_channels, n_products)
    assert work.max() <= bound
    # The bound is reached (not a vacuous ceiling): a delay line step is in it.
    assert work.max() >= 0.5 * bound


def test_the_continuous_schedule_exceeds_the_bound_and_costs_about_the_same(rng):
    length = 2**16
    filters = rng.standard_normal(length) * 0.9999 ** np.arange(length)
    bounded = ffstream.OnlineConv(filters, "bounded")
    continuous = ffstream.OnlineConv(filters, "continuous")
    history = rng.standard_normal(length)
    bounded.prefill(history)  # every partition of the delay lines reaches the past
    continuous.prefill(history)
    n = 4 * continuous.delay_line_block + 5  # four of its delay line steps
    bounded_work, n_channels, n_products = _work_per_sample(bounded, n, rng)
    continuous_work, _, _ = _work_per_sample(continuous, n, rng)
    bound = _bound(bounded, n_channels, n_products)
    assert bounded_work.max() <= bound
    # The continuous schedule's block boundaries do several times more.
    assert continuous_work.max() > 3 * bound
    # On average the bounded schedule does at most 1.5 times the work.
    assert bounded_work.sum() <= 1.5 * continuous_work.sum()


def test_the_bounded_block_is_smaller_than_the_continuous_one(rng):
    h = rng.standard_normal(2**17)
    assert ffstream.OnlineConv(h, "bounded").delay_line_block == 1024
    assert ffstream.OnlineConv(h, "continuous").delay_line_block == 4096
    assert (
        ffstream.OnlineConv(h, "bounded", delay_line_block=512).delay_line_block == 512
    )
