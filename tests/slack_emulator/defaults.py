"""Default workspace identity shared by the emulator and the payload builders.

Kept in one tiny module so that payloads built without an emulator instance
(``payloads.message_im(...)``) still line up with what the emulator's Web API
answers (``auth.test`` returns the same team, bot user and app).
"""

from __future__ import annotations

TEAM_ID = "T0001"
TEAM_NAME = "Boundary Test"
TEAM_DOMAIN = "boundary-test"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
BOT_NAME = "boundarybot"
APP_ID = "A0BOUNDARY"
#: Deprecated verification token; Slack still sends one in every payload.
VERIFICATION_TOKEN = "vErIfIcAtIoNtOkEn0000000"

#: Bot scopes granted by default: what Boundary Bot's manifest asks for plus
#: the read scopes the Conversations API needs for each conversation type.
BOT_SCOPES: frozenset[str] = frozenset(
    {
        "chat:write",
        "commands",
        "im:history",
        "im:read",
        "im:write",
        "mpim:read",
        "mpim:write",
        "channels:read",
        "channels:history",
        "groups:read",
        "groups:history",
        "users:read",
    }
)
