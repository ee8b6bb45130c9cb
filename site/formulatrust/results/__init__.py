"""Sampling results, recalls, the key-supervision list and the statistics of results."""
