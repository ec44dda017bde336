# ruff: noqa
# A student submission in the exam template's style (a grading test fixture).
"""Wrong (B): the softmax runs over the queries (dim 1), not the keys. Expected: A 2, B 0,
C 2 (y = w v for the weights computed: error carried forward)."""
import torch.nn as nn


class SelfAttention(nn.Module):
    """Self-attention operation with learnable key, query and value embeddings.

    Args:
      d: embedding dimension
    """

    def __init__(self, k):
        super(SelfAttention, self).__init__()
        # Linear map to queries, keys, values (the template's body says d: kept as given)
        self.k = nn.Linear(d, d, bias=False)  # noqa: F821
        self.q = nn.Linear(d, d, bias=False)  # noqa: F821
        self.v = nn.Linear(d, d, bias=False)  # noqa: F821

    def forward(self, x):
        # Get tensor dimensions: batch size, sequence length and embedding dimension.
        b, t, d = x.size()
        # A) Perform self-attention operation with learnable query, key and value mappings.
        q, k, v = self.q(x), self.k(x), self.v(x)
        # B) Calculate w_prime, apply scaling and softmax.
        w_prime = torch.bmm(q, k.transpose(1, 2))  # noqa: F821
        w_prime = w_prime / (d ** 0.5)
        w = torch.softmax(w_prime, dim=1)  # noqa: F821
        # C) Compute the output tensor y.
        y = torch.bmm(w, v)  # noqa: F821
        # END OF YOUR CODE
        return y
