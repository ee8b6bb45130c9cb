"""Uploaded images: checked by content, re-encoded without metadata, stored in the database."""
