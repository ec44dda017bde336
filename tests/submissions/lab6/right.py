# ruff: noqa
# A student submission in the exam template's style (a grading test fixture).
class VanillaRNN(nn.Module):  # noqa: F821 - the template imports nothing
    """Vanilla recurrent neural network:
    ht = tanh(W_xh * xt + b_xh + W_hh * h(t-1) + b_h)"""

    def __init__(self, input_size, hidden_size):
        super(VanillaRNN, self).__init__()
        self.hidden_size = hidden_size
        # A) Finish the following lines
        self.weight_xh = nn.Parameter(torch.randn(input_size, hidden_size) * 0.1)  # noqa: F821
        self.weight_hh = nn.Parameter(torch.randn(hidden_size, hidden_size) * 0.1)  # noqa: F821
        self.bias_xh = nn.Parameter(torch.zeros(hidden_size))  # noqa: F821
        self.bias_hh = nn.Parameter(torch.zeros(hidden_size))  # noqa: F821
        # END OF YOUR CODE

    def forward(self, x):
        # Transpose input for efficient vectorized calculation: (T, N, D).
        x = x.transpose(0, 1)
        # Unpack dimensions
        T, N = x.shape[0], x.shape[1]
        # Initialize hidden states to zero.
        h0 = torch.zeros(N, self.hidden_size)  # noqa: F821
        # Define a list to store outputs.
        y = []
        # B) Implement the RNN forward pass
        h = h0
        for t in range(T):
            h = torch.tanh(x[t] @ self.weight_xh + self.bias_xh  # noqa: F821
                           + h @ self.weight_hh + self.bias_hh)
            y.append(h)
        # END OF YOUR CODE
        # Stack outputs to shape (T, N, H)
        y = torch.stack(y)  # noqa: F821
        # Switch time and batch dimension
        y = y.transpose(0, 1)
        return y
