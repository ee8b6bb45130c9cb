"""One blueprint per user-facing area of the site."""
