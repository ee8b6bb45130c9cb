"""Industry statistics as data: associations publish monthly and quarterly figures."""
