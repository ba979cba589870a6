"""Summarizers: the extractive default and an optional OpenAI-compatible LLM backend."""

from .extractive import ExtractiveSummarizer, InclusionModel
from .llm import LlmConfig, LlmSummarizer

__all__ = ["ExtractiveSummarizer", "InclusionModel", "LlmConfig", "LlmSummarizer"]
