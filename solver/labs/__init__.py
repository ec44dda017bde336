"""The eight lab templates of the exam, completed. Lines that answer a sub-question end
in a marker comment such as ``# A)`` so the answer sheet can highlight them."""

from solver.labs.activations import ReLU, Sigmoid
from solver.labs.attention import SelfAttention
from solver.labs.autoencoder import Autoencoder, Decoder, Encoder
from solver.labs.conv import Conv2d
from solver.labs.dropout_net import FCNet_do
from solver.labs.linear import Linear
from solver.labs.momentum import momentum
from solver.labs.rnn import VanillaRNN

__all__ = [
    "Autoencoder", "Conv2d", "Decoder", "Encoder", "FCNet_do", "Linear", "ReLU",
    "SelfAttention", "Sigmoid", "VanillaRNN", "momentum",
]  # fmt: skip
