"""Transformers from Scratch: the course's helper package (plots, checks, command line)."""

__version__ = "0.1.0"
