"""Lab 8: a fully connected auto-encoder (Encoder, Decoder, Autoencoder)."""

import torch
import torch.nn as nn


class Encoder(nn.Module):
    """Encoder, projects input to latent space.

    Args:
      l_dim: latent space dimensionality (int)
      s_img: size of square input image (int)
      h_dim: dim. of hidden layers (list)
    """

    def __init__(self, l_dim, s_img, h_dim):
        super(Encoder, self).__init__()
        # A) Create the necessary layers: s_img^2 -> h_dim[0] -> h_dim[1] -> l_dim.
        self.linear1 = nn.Linear(s_img * s_img, h_dim[0])  # A)
        self.linear2 = nn.Linear(h_dim[0], h_dim[1])  # A)
        self.linear3 = nn.Linear(h_dim[1], l_dim)  # A)
        self.relu = nn.ReLU()  # A)
        # END OF YOUR CODE

    def forward(self, x):
        x = torch.flatten(x, start_dim=1)
        x = self.relu(self.linear1(x))
        x = self.relu(self.linear2(x))
        # B) Final layer, no non-linearity: the latent code is unbounded.
        x = self.linear3(x)  # B)
        # END OF YOUR CODE
        return x


class Decoder(nn.Module):
    """Decoder, projects latent space to image.

    Args:
      l_dim: latent space dimensionality (int)
      s_img: size of square input image (int)
      h_dim: dim. of hidden layers (list)
    """

    def __init__(self, l_dim, s_img, h_dim):
        super(Decoder, self).__init__()
        self.linear1 = nn.Linear(l_dim, h_dim[1])
        self.linear2 = nn.Linear(h_dim[1], h_dim[0])
        self.linear3 = nn.Linear(h_dim[0], s_img * s_img)
        self.relu = nn.ReLU()
        self.sigmoid = nn.Sigmoid()

    def forward(self, z):
        # C) Mirror the encoder; a sigmoid maps the s_img * s_img pixels into [0, 1]. The
        # template keeps no s_img to reshape with: the autoencoder gives x's shape (D).
        z = self.relu(self.linear1(z))  # C)
        z = self.relu(self.linear2(z))  # C)
        z = self.sigmoid(self.linear3(z))  # C)
        # END OF YOUR CODE
        return z


class Autoencoder(nn.Module):
    """Autoencoder model.

    Args:
      l_dim: latent space dimensionality (int)
      s_img: size of square input image (int)
      h_dim: dim. of hidden layers (list)
    """

    def __init__(self, l_dim, s_img, h_dim=[256, 128]):  # noqa: B006 - the exam's signature
        super(Autoencoder, self).__init__()
        self.encoder = Encoder(l_dim, s_img, h_dim)
        self.decoder = Decoder(l_dim, s_img, h_dim)

    def forward(self, x):
        # D) Encode, decode, and give the reconstruction the input's shape.
        x_hat = self.decoder(self.encoder(x)).view_as(x)  # D)
        # (the exam's template stops before its return)
        return x_hat  # D)
        # END OF YOUR CODE
