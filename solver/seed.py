"""The one seed behind every random number on the sheet (random, numpy and torch)."""

from __future__ import annotations

import random
from typing import Any

SEED = 20_240_611


def numpy_rng(offset: int = 0) -> Any:
    """A numpy Generator from the project seed (``offset`` separates independent streams)."""
    import numpy as np

    return np.random.default_rng(SEED + offset)


def torch_generator(offset: int = 0) -> Any:
    """A torch Generator from the project seed; also seeds the global RNGs for layers
    whose initialisation draws from them (nn.Linear, dropout)."""
    import numpy as np
    import torch

    random.seed(SEED + offset)
    np.random.seed(SEED + offset)
    torch.manual_seed(SEED + offset)
    return torch.Generator().manual_seed(SEED + offset)
