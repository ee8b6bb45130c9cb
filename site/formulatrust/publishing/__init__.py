"""Publishing: accounts and sign-in, bulletins, uploads, API tokens and the push API, and the
admin pages (report queue, audit log)."""
