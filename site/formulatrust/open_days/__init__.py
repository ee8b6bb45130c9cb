"""Open days: factory visits, bookings, tickets and check-in at the door."""
