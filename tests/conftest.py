"""Shared configuration and fixtures of the ffstream test suite."""

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from ffstream.engine.methods import METHODS

from reference import scipy_causal_conv

settings.register_profile(
    "ffstream",
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("ffstream")


def _stable_filters(rng, layout, length, d_in=2, d_out=3, decay=0.99, gain=None):
    """Random taps shaped for ``layout``, times the envelope ``decay**s``.

    With ``gain``, the taps are scaled so that ``sum_s max_o sum_j |H[s, o, j]|``
    equals ``gain``: the identity feedback then stays bounded when ``gain < 1``.
    """
    envelope = decay ** np.arange(length)
    if layout == "scalar":
        taps = rng.standard_normal(length) * envelope
        norm = np.abs(taps).sum()
    elif layout == "depthwise":
        taps = rng.standard_normal((length, d_in)) * envelope[:, None]
        norm = np.abs(taps).max(axis=1).sum()
    elif layout == "mimo":
        taps = rng.standard_normal((length, d_out, d_in)) * envelope[:, None, None]
        norm = np.abs(taps).sum(axis=2).max(axis=1).sum()
    else:
        raise AssertionError(layout)
    if gain is not None:
        taps *= gain / norm
    return taps


def _random_inputs(rng, layout, n, d_in=2):
    """``n`` random input samples for ``layout``: ``(n,)`` or ``(n, d_in)``."""
    return rng.standard_normal(n if layout == "scalar" else (n, d_in))


@pytest.fixture(params=METHODS)
def method(request):
    """Each schedule in turn: a test that takes ``method`` runs once per schedule."""
    return request.param


@pytest.fixture
def rng(request):
    """A generator seeded from the test's name, so every test is reproducible."""
    seed = sum(ord(c) * (i + 1) for i, c in enumerate(request.node.nodeid))
    return np.random.default_rng(seed)


@pytest.fixture(scope="session")
def make_filters():
    """Factory ``make_filters(rng, layout, length, d_in=2, d_out=3, decay=0.99, gain=None)``."""
    return _stable_filters


@pytest.fixture(scope="session")
def make_inputs():
    """Factory ``make_inputs(rng, layout, n, d_in=2)`` of random input samples."""
    return _random_inputs


@pytest.fixture(scope="session")
def scipy_conv():
    """``scipy_conv(filters, inputs)``: causal convolution by scipy.signal."""
    return scipy_causal_conv


def _assert_rel_close(actual, expected, rtol=1e-10):
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    assert actual.shape == expected.shape
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    np.testing.assert_allclose(
        actual, expected, rtol=rtol, atol=rtol * max(scale, 1e-300)
    )


@pytest.fixture(scope="session")
def assert_rel_close():
    """``assert_rel_close(actual, expected, rtol=1e-10)``: equal shapes, errors below
    ``rtol`` relative to each entry or to the largest entry of ``expected``."""
    return _assert_rel_close
