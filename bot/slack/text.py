"""Text that is safe to post to Slack: escaped so nothing pings or links, clipped to limits.

Slack treats `&`, `<` and `>` as control characters; escaping them (ampersand first) turns
`<!channel>`, `<@U123>` or `<url|label>` into inert text. Limits are Slack's Block Kit ones.
"""

from __future__ import annotations

import re

MAX_BLOCKS = 50
MAX_HOME_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_CONTEXT_TEXT = 2000
MAX_FALLBACK_TEXT = 3000  # well under the 40,000 truncation point, and readable in a push
ELLIPSIS = "\u2026"


def escape(text: str) -> str:
    """Escape Slack's control characters so user or knowledge text can never mention anyone."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary when one is near, with an ellipsis.

    Escaped text is never cut inside an entity such as `&amp;`.
    """
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    entity = cut.rfind("&")
    if entity != -1 and ";" not in cut[entity:]:
        cut = cut[:entity]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def safe(text: str, limit: int) -> str:
    """Escaped, then clipped: the usual treatment of any text bound for a mrkdwn field."""
    return clip(escape(text), limit)


def markdown_to_mrkdwn(text: str) -> str:
    """Knowledge Markdown -> Slack mrkdwn for the few constructs the guidance uses.

    Call on already-escaped text: `**bold**` becomes `*bold*`, list markers become bullets.
    """
    text = re.sub(r"\*\*(.+?)\*\*", r"*\1*", text)
    text = re.sub(r"(?m)^\s*[-*+]\s+", "\u2022 ", text)
    return text


def unescape(text: str) -> str:
    """Slack sends `&`, `<`, `>` in typed text as entities; this gives back the characters."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
