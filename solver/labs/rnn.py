"""Lab 6: a vanilla RNN, h_t = tanh(x_t W_xh + b_xh + h_{t-1} W_hh + b_hh)."""

import torch
import torch.nn as nn


class VanillaRNN(nn.Module):
    """Vanilla recurrent neural network."""

    def __init__(self, input_size, hidden_size):
        super(VanillaRNN, self).__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        # A) Create weight and bias tensors with correct sizes, wrapped in nn.Parameter.
        # Weights scaled by 1/sqrt(H) keep tanh out of saturation at the start (as nn.RNN).
        self.weight_xh = nn.Parameter(  # A)
            torch.randn(input_size, hidden_size) / hidden_size ** 0.5)  # A)
        self.weight_hh = nn.Parameter(  # A)
            torch.randn(hidden_size, hidden_size) / hidden_size ** 0.5)  # A)
        self.bias_xh = nn.Parameter(torch.zeros(hidden_size))  # A)
        self.bias_hh = nn.Parameter(torch.zeros(hidden_size))  # A)
        # END OF YOUR CODE

    def forward(self, x):
        """x: (N, T, D) -> y: (N, T, H), the hidden state at every time step."""
        # Transpose input for efficient vectorized calculation: (T, N, D).
        x = x.transpose(0, 1)
        # Unpack dimensions
        T, N = x.shape[0], x.shape[1]
        # Initialize hidden states to zero.
        h0 = torch.zeros(N, self.hidden_size, dtype=x.dtype)
        # Define a list to store outputs.
        y = []
        # B) Implement the RNN forward pass
        h = h0  # B)
        for t in range(T):  # B)
            h = torch.tanh(x[t] @ self.weight_xh + self.bias_xh  # B)
                           + h @ self.weight_hh + self.bias_hh)  # B)
            y.append(h)  # B)
        # END OF YOUR CODE
        # Stack outputs to shape (T, N, H)
        y = torch.stack(y)
        # Switch time and batch dimension: (T, N, H) -> (N, T, H)
        y = y.transpose(0, 1)
        return y
