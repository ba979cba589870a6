"""Summarizers: the extractive default and an optional OpenAI-compatible LLM backend."""

from .extractive import ExtractiveSummarizer, Weights

__all__ = ["ExtractiveSummarizer", "Weights"]
