"""Package data: the trained technology relevance model (weights only)."""
