"""Shanghai Infant Formula Trust: ``create_app`` builds the site (``formulatrust.app``)."""

from formulatrust.app import create_app

__all__ = ["create_app"]
