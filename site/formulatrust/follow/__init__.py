"""Following a batch or a product: Atom feeds, e-mail subscriptions and the alerts they get."""
