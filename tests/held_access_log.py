"""An access log that holds its lines until the worker exits (for the shutdown test)."""

from formulatrust.core.access_log import PrivateAccessLog


class HeldAccessLog(PrivateAccessLog):
    """Never writes on a timer or a full batch: only a clean shutdown writes the lines."""

    batch_lines, batch_seconds = 1_000_000, 3600.0
