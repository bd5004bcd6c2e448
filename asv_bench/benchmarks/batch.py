"""A batch of 64 prompted series rolled out in parallel, on 1 and 2 threads."""

import ffstream

from .common import (
    SlowBenchmark,
    batch_prompts,
    max_threads,
    stable_filters,
    use_threads,
    warm_up_rollout,
)

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
        if threads > max_threads():
            raise NotImplementedError(
                f"{threads} threads requested, this process may use {max_threads()}"
            )
        use_threads(threads)
        self.filters = stable_filters(LENGTH, (1,))
        self.prompts = batch_prompts(BATCH, PROMPT_LENGTH)
        warm_up_rollout(self.filters, self.prompts, "continuous", batched=True)

    def teardown(self, threads):
        use_threads(max_threads())

    def time_rollout(self, threads):
        ffstream.rollout(self.filters, LENGTH, self.prompts)
