"""Summarizers: the extractive default and an optional OpenAI-compatible LLM backend."""

from .extractive import ExtractiveSummarizer, Weights
from .llm import LlmConfig, LlmSummarizer

__all__ = ["ExtractiveSummarizer", "LlmConfig", "LlmSummarizer", "Weights"]
