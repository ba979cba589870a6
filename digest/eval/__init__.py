"""Evaluation harnesses (ROUGE for summaries, P/R/F1 for topics and clusters)."""
