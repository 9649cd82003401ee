"""Builders for what Slack sends *to* the app, shaped after docs.slack.dev examples.

* ``event_callback`` - the Events API wrapper (docs: reference/objects/event-object,
  reference/events/message.im): ``token, team_id, api_app_id, event,
  type="event_callback", event_id, event_time, authorizations`` plus the
  ``context_team_id``/``is_ext_shared_channel``/``event_context`` fields real
  deliveries carry.
* ``message_im`` / ``app_home_opened`` - inner events.
* ``slash_command`` - the form fields of a slash-command request
  (the same dict is the Socket Mode ``slash_commands`` payload).
* ``block_actions`` - message button (container ``message``, with
  ``channel``/``message``/``response_url``) vs. Home tab button (container
  ``view``, with ``view`` and *no* channel, message or response_url),
  as in reference/interaction-payloads/block_actions-payload.
* ``view_submission`` - reference/interaction-payloads/view-interactions-payload.

All builders are pure; defaults match the emulator's default workspace.
"""

from __future__ import annotations

import copy
import secrets
import string
import time
import uuid
from typing import Any

from . import defaults

_ALNUM = string.ascii_uppercase + string.digits


def new_event_id() -> str:
    """``Ev`` + 10 upper-case alnum, e.g. ``Ev0PV52K21``."""
    return "Ev" + "".join(secrets.choice(_ALNUM) for _ in range(10))


def new_trigger_id() -> str:
    """Slack's ``<digits>.<digits>.<hex32>`` trigger_id shape."""
    return f"{secrets.randbelow(10**12)}.{secrets.randbelow(10**11)}.{secrets.token_hex(16)}"


def new_ts() -> str:
    now_us = int(time.time() * 1_000_000)
    return f"{now_us // 1_000_000}.{now_us % 1_000_000:06d}"


def im_channel_for(user_id: str) -> str:
    """Same D-ID the emulator's ``conversations.open`` returns for this user."""
    return "D" + user_id[1:]


# ---------------------------------------------------------------------------
# Events API
# ---------------------------------------------------------------------------
def event_callback(
    event: dict[str, Any],
    event_id: str | None = None,
    team_id: str = defaults.TEAM_ID,
    *,
    api_app_id: str = defaults.APP_ID,
    bot_user_id: str = defaults.BOT_USER_ID,
    event_time: int | None = None,
    token: str = defaults.VERIFICATION_TOKEN,
) -> dict[str, Any]:
    """Wrap an inner event in the ``event_callback`` envelope (HTTP body / Socket Mode payload)."""
    return {
        "token": token,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or new_event_id(),
        "event_time": event_time if event_time is not None else int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{secrets.token_urlsafe(24)}",
    }


def url_verification(challenge: str, token: str = defaults.VERIFICATION_TOKEN) -> dict[str, Any]:
    """The one-off handshake Slack sends when a Request URL is saved."""
    return {"token": token, "challenge": challenge, "type": "url_verification"}


def _rich_text(text: str) -> list[dict[str, Any]]:
    return [
        {
            "type": "rich_text",
            "block_id": secrets.token_urlsafe(3)[:4],
            "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
            ],
        }
    ]


def message(
    user: str,
    text: str,
    channel: str,
    channel_type: str,
    ts: str | None = None,
    *,
    thread_ts: str | None = None,
    team_id: str = defaults.TEAM_ID,
    include_blocks: bool = True,
    files: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A user-authored ``message`` event (``channel_type``: im | mpim | channel | group).

    With ``files`` it is what Slack sends for a message with attachments: subtype
    ``file_share``, ``files``, ``upload: true`` and ``display_as_bot: false`` (and, when
    there is no text, an empty ``text`` and no blocks).
    """
    ts = ts or new_ts()
    event: dict[str, Any] = {
        "client_msg_id": str(uuid.uuid4()),
        "type": "message",
        "text": text,
        "user": user,
        "ts": ts,
        "team": team_id,
    }
    if include_blocks and (text or not files):
        event["blocks"] = _rich_text(text)
    if files is not None:
        event.update(subtype="file_share", files=files, upload=True, display_as_bot=False)
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    event.update(channel=channel, event_ts=ts, channel_type=channel_type)
    return event


def image_file(user: str, name: str = "photo.jpg", team_id: str = defaults.TEAM_ID) -> dict:
    """A file object as a ``file_share`` message lists it: a phone photo, uploaded privately."""
    file_id = "F" + "".join(secrets.choice(_ALNUM) for _ in range(10))
    now = int(time.time())
    return {
        "id": file_id,
        "created": now,
        "timestamp": now,
        "name": name,
        "title": name,
        "mimetype": "image/jpeg",
        "filetype": "jpg",
        "pretty_type": "JPEG",
        "user": user,
        "user_team": team_id,
        "editable": False,
        "size": 183_204,
        "mode": "hosted",
        "is_external": False,
        "external_type": "",
        "is_public": False,
        "public_url_shared": False,
        "display_as_bot": False,
        "username": "",
        "url_private": f"https://files.slack.com/files-pri/{team_id}-{file_id}/{name}",
        "url_private_download": (
            f"https://files.slack.com/files-pri/{team_id}-{file_id}/download/{name}"
        ),
        "original_w": 3024,
        "original_h": 4032,
    }


def message_im(
    user: str,
    text: str,
    channel: str | None = None,
    ts: str | None = None,
    *,
    thread_ts: str | None = None,
    team_id: str = defaults.TEAM_ID,
) -> dict[str, Any]:
    """Inner ``message.im`` event: type, channel, user, text, ts, event_ts, channel_type="im"."""
    return message(
        user, text, channel or im_channel_for(user), "im", ts, thread_ts=thread_ts, team_id=team_id
    )


def app_home_opened(
    user: str,
    tab: str = "home",
    *,
    channel: str | None = None,
    view: dict[str, Any] | None = None,
    event_ts: str | None = None,
) -> dict[str, Any]:
    """Inner ``app_home_opened`` event; ``view`` is present only once a Home tab was published."""
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user,
        "channel": channel or im_channel_for(user),
        "tab": tab,
        "event_ts": event_ts or new_ts(),
    }
    if view is not None and tab == "home":
        event["view"] = copy.deepcopy(view)
    return event


# ---------------------------------------------------------------------------
# Slash commands
# ---------------------------------------------------------------------------
def slash_command(
    command: str,
    text: str,
    user_id: str,
    channel_id: str,
    response_url: str,
    trigger_id: str | None = None,
    *,
    channel_name: str | None = None,
    user_name: str | None = None,
    team_id: str = defaults.TEAM_ID,
    team_domain: str = defaults.TEAM_DOMAIN,
    api_app_id: str = defaults.APP_ID,
    token: str = defaults.VERIFICATION_TOKEN,
) -> dict[str, str]:
    """Form fields of a slash-command request, in Slack's order (all values are strings).

    ``channel_name`` defaults to ``directmessage`` for D-channels and ``privategroup``
    for G-conversations, as Slack sends; pass it for public channels.
    """
    if channel_name is None:
        channel_name = _default_channel_name(channel_id)
    return {
        "token": token,
        "team_id": team_id,
        "team_domain": team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name or user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or new_trigger_id(),
    }


# ---------------------------------------------------------------------------
# Interactivity
# ---------------------------------------------------------------------------
def _user_obj(user_id: str, user_name: str | None, team_id: str) -> dict[str, Any]:
    name = user_name or user_id.lower()
    return {"id": user_id, "username": name, "name": name, "team_id": team_id}


def _find_element(blocks: Any, action_id: str) -> tuple[str | None, dict[str, Any] | None]:
    """Locate (block_id, element) for ``action_id`` in actions blocks or section accessories."""
    for block in blocks or []:
        if not isinstance(block, dict):
            continue
        candidates = list(block.get("elements") or [])
        if isinstance(block.get("accessory"), dict):
            candidates.append(block["accessory"])
        for el in candidates:
            if isinstance(el, dict) and el.get("action_id") == action_id:
                return block.get("block_id"), el
    return None, None


def block_actions(
    user_id: str,
    action_id: str,
    value: str | None,
    block_id: str | None = None,
    message: dict[str, Any] | None = None,
    channel_id: str | None = None,
    container: dict[str, Any] | None = None,
    trigger_id: str | None = None,
    view: dict[str, Any] | None = None,
    response_url: str | None = None,
    *,
    channel_name: str | None = None,
    user_name: str | None = None,
    button_text: str | None = None,
    is_ephemeral: bool = False,
    team_id: str = defaults.TEAM_ID,
    team_domain: str = defaults.TEAM_DOMAIN,
    api_app_id: str = defaults.APP_ID,
    token: str = defaults.VERIFICATION_TOKEN,
) -> dict[str, Any]:
    """A button click, in a message (pass ``message`` + ``channel_id`` + ``response_url``)
    or in the App Home / a modal (pass ``view``).

    ``block_id``, the button text and value default to what the clicked
    element in ``message``/``view`` blocks says, so a payload built from a
    message the bot posted carries the bot's own ids.
    """
    if (message is None) == (view is None):
        raise ValueError(
            "pass exactly one of message= (message button) or view= (Home tab / modal button)"
        )
    surface_blocks = (message or view or {}).get("blocks")
    found_block_id, element = _find_element(surface_blocks, action_id)
    if value is None and element is not None:
        value = element.get("value")
    text_obj = (element or {}).get("text") or {
        "type": "plain_text",
        "text": button_text or "Button",
        "emoji": True,
    }
    if button_text is not None:
        text_obj = {"type": "plain_text", "text": button_text, "emoji": True}
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id or found_block_id or secrets.token_urlsafe(3)[:4],
        "text": text_obj,
    }
    if value is not None:
        action["value"] = value
    action["type"] = (element or {}).get("type", "button")
    action["action_ts"] = new_ts()

    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user_obj(user_id, user_name, team_id),
        "api_app_id": api_app_id,
        "token": token,
    }
    if message is not None:
        if channel_id is None or response_url is None:
            raise ValueError(
                "message buttons need channel_id and response_url (Slack always sends them)"
            )
        payload["container"] = container or {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel_id,
            "is_ephemeral": is_ephemeral,
        }
        payload["trigger_id"] = trigger_id or new_trigger_id()
        payload["team"] = {"id": team_id, "domain": team_domain}
        payload["enterprise"] = None
        payload["is_enterprise_install"] = False
        payload["channel"] = {
            "id": channel_id,
            "name": channel_name or _default_channel_name(channel_id),
        }
        payload["message"] = copy.deepcopy(message)
        payload["state"] = {"values": {}}
        payload["response_url"] = response_url
    else:
        assert view is not None
        payload["container"] = container or {"type": "view", "view_id": view["id"]}
        payload["trigger_id"] = trigger_id or new_trigger_id()
        payload["team"] = {"id": team_id, "domain": team_domain}
        payload["enterprise"] = None
        payload["is_enterprise_install"] = False
        payload["view"] = copy.deepcopy(view)
        if response_url is not None:
            payload["response_url"] = response_url
    payload["actions"] = [action]
    return payload


def _default_channel_name(channel_id: str) -> str:
    """Slack sends ``directmessage`` for DMs and ``privategroup`` for private/G conversations;
    public channel names are unknown here, so pass ``channel_name`` (the emulator helpers do)."""
    if channel_id.startswith("D"):
        return "directmessage"
    if channel_id.startswith("G"):
        return "privategroup"
    return channel_id.lower()


def state_values(values: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Expand ``{"block": {"action": "text"}}`` into Slack's ``view.state.values`` shape.

    Non-string leaves are passed through, so selects etc. can be given verbatim
    (``{"type": "static_select", "selected_option": {...}}``).
    """
    out: dict[str, dict[str, Any]] = {}
    for block_id, actions in values.items():
        out[block_id] = {}
        for action_id, leaf in actions.items():
            out[block_id][action_id] = (
                {"type": "plain_text_input", "value": leaf}
                if isinstance(leaf, str) or leaf is None
                else leaf
            )
    return out


def view_submission(
    user_id: str,
    callback_id: str,
    private_metadata: str,
    values_state: dict[str, dict[str, Any]],
    *,
    view_id: str | None = None,
    title: str = "Boundary Bot",
    blocks: list[dict[str, Any]] | None = None,
    view_hash: str | None = None,
    trigger_id: str | None = None,
    user_name: str | None = None,
    response_urls: list[dict[str, Any]] | None = None,
    team_id: str = defaults.TEAM_ID,
    team_domain: str = defaults.TEAM_DOMAIN,
    api_app_id: str = defaults.APP_ID,
    bot_id: str = defaults.BOT_ID,
    token: str = defaults.VERIFICATION_TOKEN,
) -> dict[str, Any]:
    """A modal submission; ``values_state`` may use the short form of :func:`state_values`."""
    view_id = view_id or "V" + "".join(secrets.choice(_ALNUM) for _ in range(10))
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": team_domain},
        "user": _user_obj(user_id, user_name, team_id),
        "api_app_id": api_app_id,
        "token": token,
        "trigger_id": trigger_id or new_trigger_id(),
        "view": {
            "id": view_id,
            "team_id": team_id,
            "type": "modal",
            "blocks": blocks or [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": state_values(values_state)},
            "hash": view_hash or f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": {"type": "plain_text", "text": title, "emoji": True},
            "clear_on_close": False,
            "notify_on_close": False,
            "close": {"type": "plain_text", "text": "Cancel", "emoji": True},
            "submit": {"type": "plain_text", "text": "Submit", "emoji": True},
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": api_app_id,
            "external_id": "",
            "app_installed_team_id": team_id,
            "bot_id": bot_id,
        },
        "response_urls": response_urls or [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
