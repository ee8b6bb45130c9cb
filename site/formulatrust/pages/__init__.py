"""The home page, site search, and the about, privacy and other content pages."""
