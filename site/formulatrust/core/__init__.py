"""Shared infrastructure: configuration, database, migrations, language, security, errors,
page chrome, caching and the clock."""
