"""solver: a worked, verified answer sheet for a deep-learning exam."""

__version__ = "0.1.0"
