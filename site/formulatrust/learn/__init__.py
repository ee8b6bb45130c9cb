"""Science education articles and the content checks against the advertising rules."""
