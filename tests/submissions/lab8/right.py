# ruff: noqa
# A student submission in the exam template's style (a grading test fixture).
import torch
import torch.nn as nn


class Encoder(nn.Module):
    """Encoder, projects input to latent space."""

    def __init__(self, l_dim, s_img, h_dim):
        super(Encoder, self).__init__()
        # A) Create the necessary layers
        self.linear1 = nn.Linear(s_img * s_img, h_dim[0])
        self.linear2 = nn.Linear(h_dim[0], h_dim[1])
        self.linear3 = nn.Linear(h_dim[1], l_dim)
        self.relu = nn.ReLU()
        # END OF YOUR CODE

    def forward(self, x):
        x = torch.flatten(x, start_dim=1)
        x = self.relu(self.linear1(x))
        x = self.relu(self.linear2(x))
        # B) Apply final layer of the encoder
        x = self.linear3(x)
        # END OF YOUR CODE
        return x


class Decoder(nn.Module):
    """Decoder, projects latent space to image."""

    def __init__(self, l_dim, s_img, h_dim):
        super(Decoder, self).__init__()
        self.linear1 = nn.Linear(l_dim, h_dim[1])
        self.linear2 = nn.Linear(h_dim[1], h_dim[0])
        self.linear3 = nn.Linear(h_dim[0], s_img * s_img)
        self.relu = nn.ReLU()
        self.sigmoid = nn.Sigmoid()
        self.s_img = s_img

    def forward(self, z):
        # C) Implement forward pass of decoder
        z = self.relu(self.linear1(z))
        z = self.relu(self.linear2(z))
        z = self.sigmoid(self.linear3(z))
        z = z.reshape(-1, 1, self.s_img, self.s_img)
        # END OF YOUR CODE
        return z


class Autoencoder(nn.Module):
    """Autoencoder model."""

    def __init__(self, l_dim, s_img, h_dim=[256, 128]):  # noqa: B006 - the exam's signature
        super(Autoencoder, self).__init__()
        self.encoder = Encoder(l_dim, s_img, h_dim)
        self.decoder = Decoder(l_dim, s_img, h_dim)

    def forward(self, x):
        # D) Autoencoder forward pass.
        z = self.encoder(x)
        x = self.decoder(z)
        # END OF YOUR CODE
        return x
