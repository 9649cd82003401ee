"""Slack plumbing shared by every feature: clients that retry, Block Kit primitives, safe text,
telling people things, handling each delivery once, background workers and the HTTP endpoint.

Nothing here knows what the bot advises or escalates; the features build on it.
"""
