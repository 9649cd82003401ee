"""Terminal tools for admins: `boundary-bot report` and `boundary-bot eval`."""
