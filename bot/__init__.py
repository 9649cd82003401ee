"""Boundary Bot: the Slack app, answer composition and the `boundary-bot` CLI."""
