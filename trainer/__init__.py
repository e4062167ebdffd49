"""Tunedesk trainer: fine-tunes Llama-family models and writes model bundles (see README.md)."""

__version__ = "0.1.0"
CONTRACT_VERSION = 1
