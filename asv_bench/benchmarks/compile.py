"""First-call cost in a fresh interpreter: import, numba compilation or cache loading.

Each sample starts a new Python process. The untimed warm-up sample fills
numba's on-disk cache, so the samples measure what a user pays in every new
session once the cache exists.
"""

IMPORTS = "import numpy as np\nimport ffstream"


class FirstCall:
    number = 1
    repeat = (1, 3, 60.0)
    rounds = 1
    warmup_time = 0.1
    timeout = 900

    def timeraw_import(self):
        return "import ffstream"

    def timeraw_first_rollout(self):
        return IMPORTS + "\nffstream.rollout(0.5 ** np.arange(256), 256, np.ones(8))"

    def timeraw_first_batch_rollout(self):
        return IMPORTS + (
            "\nffstream.rollout(0.5 ** np.arange(256)[:, None], 256, np.ones((4, 8, 1)))"
        )

    def timeraw_first_push_block(self):
        return IMPORTS + (
            "\nstream = ffstream.OnlineConv(0.5 ** np.arange(256))"
            "\nstream.push_block(np.ones(512))"
        )
