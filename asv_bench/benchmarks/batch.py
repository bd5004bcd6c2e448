"""A batch of 64 prompted series rolled out in parallel, on 1 and 2 numba threads."""

import numba

import ffstream

from .common import SlowBenchmark, batch_prompts, stable_filters, warm_up_rollout

BATCH = 64
LENGTH = 2**14
PROMPT_LENGTH = 1024


class BatchRollout(SlowBenchmark):
    """``ffstream.rollout(h, L, prompts)`` with prompts ``(64, P, 1)`` and ``h`` ``(L, 1)``.

    The ratio of the two ``threads`` timings is the parallel speed-up.
    """

    params = [1, 2]
    param_names = ["threads"]
    repeat = (1, 5, 10.0)
    timeout = 600

    def setup(self, threads):
        if threads > numba.config.NUMBA_NUM_THREADS:
            raise NotImplementedError(
                f"{threads} threads requested, numba has "
                f"{numba.config.NUMBA_NUM_THREADS}"
            )
        numba.set_num_threads(threads)
        self.filters = stable_filters(LENGTH, (1,))
        self.prompts = batch_prompts(BATCH, PROMPT_LENGTH)
        warm_up_rollout(self.filters, self.prompts, "continuous", batched=True)

    def teardown(self, threads):
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)

    def time_rollout(self, threads):
        ffstream.rollout(self.filters, LENGTH, self.prompts)
