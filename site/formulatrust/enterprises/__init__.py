"""Enterprises: integrity files, ratings, standards and the enterprise's own replies."""
