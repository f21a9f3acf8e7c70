"""Metrics and output parsers: pure functions over predictions and references."""
