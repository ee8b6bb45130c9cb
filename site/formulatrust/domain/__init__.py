"""Domain rules for FormulaTrust: pure Python, no web framework."""
