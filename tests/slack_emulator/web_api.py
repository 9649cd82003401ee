"""Slack Web API semantics: auth, scopes, visibility and per-method behaviour.

Response shapes follow the examples on docs.slack.dev (mirrored in
slack-ruby/slack-api-ref): e.g. ``chat.postMessage`` -> ``{ok, channel, ts,
message}``, ``chat.postEphemeral`` -> ``{ok, message_ts}``,
``conversations.open`` -> ``{ok, channel: {id}}``, errors as
``{ok: false, error}`` with ``needed``/``provided`` for ``missing_scope`` and
``response_metadata.messages`` for ``invalid_arguments``.
"""

from __future__ import annotations

import contextlib
import copy
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .state import (
    Conversation,
    StoredView,
    Workspace,
    decode_cursor,
    encode_cursor,
    random_block_id,
    random_id,
)
from .validation import MAX_MESSAGE_BLOCKS, MAX_MESSAGE_TEXT, MAX_VIEW_BLOCKS, validate_blocks

#: Seconds a trigger_id minted by the emulator stays usable (Slack: 3 s).
TRIGGER_TTL_SECONDS = 3.0

_JSON_FIELDS = ("blocks", "attachments", "view", "metadata")


@dataclass
class ApiResult:
    """What the HTTP layer writes back: status, JSON body and extra headers."""

    body: dict[str, Any]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class ApiError(Exception):
    """Raised by handlers to answer ``{"ok": false, "error": ...}`` (HTTP 200, as Slack does)."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.body: dict[str, Any] = {"ok": False, "error": error, **extra}


def invalid_arguments(*messages: str) -> ApiError:
    return ApiError(
        "invalid_arguments", response_metadata={"messages": [f"[ERROR] {m}" for m in messages]}
    )


def decode_json_fields(params: dict[str, Any]) -> dict[str, Any]:
    """Form bodies carry ``blocks``/``view``/... as JSON strings; decode them for everyone."""
    out = dict(params)
    for key in _JSON_FIELDS:
        value = out.get(key)
        if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
            # Undecodable strings stay as-is; the handler reports invalid_blocks_format.
            with contextlib.suppress(ValueError):
                out[key] = json.loads(value)
    return out


def truthy(value: Any) -> bool:
    """Form params arrive as strings ("true"/"1"); JSON params as real booleans."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


@dataclass
class ApiRequest:
    method: str
    params: dict[str, Any]
    token: str | None


Handler = Callable[["WebApi", ApiRequest], dict[str, Any]]
_HANDLERS: dict[str, tuple[str, Handler]] = {}


def method(name: str, token_type: str = "bot") -> Callable[[Handler], Handler]:
    """Register a Web API method; ``token_type`` is ``"bot"`` (xoxb-) or ``"app"`` (xapp-)."""

    def register(fn: Handler) -> Handler:
        _HANDLERS[name] = (token_type, fn)
        return fn

    return register


class WebApi:
    """Dispatches a parsed request to its handler and turns errors into Slack bodies."""

    def __init__(self, ws: Workspace, issue_socket_url: Callable[[], str]) -> None:
        self.ws = ws
        self.issue_socket_url = issue_socket_url
        #: When set, only this exact bot token is accepted (else any ``xoxb-`` token).
        self.bot_token: str | None = None
        #: When set, only this exact app-level token is accepted (else any ``xapp-`` token).
        self.app_token: str | None = None
        self.revoked_tokens: set[str] = set()
        self.custom_handlers: dict[str, Callable[[ApiRequest], dict[str, Any]]] = {}

    # -- entry point -------------------------------------------------------
    def handle(self, req: ApiRequest) -> ApiResult:
        headers = {"x-oauth-scopes": ",".join(sorted(self.ws.bot_scopes))}
        custom = self.custom_handlers.get(req.method)
        if custom is not None:
            return ApiResult(custom(req), headers=headers)
        entry = _HANDLERS.get(req.method)
        if entry is None:
            return ApiResult(
                {"ok": False, "error": "unknown_method", "req_method": req.method}, headers=headers
            )
        token_type, fn = entry
        try:
            self._authenticate(req.token, token_type)
            with self.ws.lock:
                body = fn(self, req)
        except ApiError as e:
            return ApiResult(e.body, headers=headers)
        return ApiResult(body, headers=headers)

    def _authenticate(self, token: str | None, token_type: str) -> None:
        if not token:
            raise ApiError("not_authed")
        if token in self.revoked_tokens:
            raise ApiError("token_revoked")
        kind = "bot" if token.startswith("xoxb-") else "app" if token.startswith("xapp-") else None
        if kind is None:
            raise ApiError("invalid_auth")
        expected = self.bot_token if kind == "bot" else self.app_token
        if expected is not None and token != expected:
            raise ApiError("invalid_auth")
        if kind != token_type:
            raise ApiError("not_allowed_token_type")

    # -- shared helpers ----------------------------------------------------
    def require_scope(self, scope: str) -> None:
        if scope not in self.ws.bot_scopes:
            raise ApiError(
                "missing_scope", needed=scope, provided=",".join(sorted(self.ws.bot_scopes))
            )

    def bot_can_see(self, conv: Conversation) -> bool:
        """Public channels are visible to all; private/IM/MPIM only to members."""
        return conv.kind == "channel" or self.ws.bot_user_id in conv.members

    def visible_conversation(self, ref: Any, *, allow_user_id: bool = False) -> Conversation:
        if not isinstance(ref, str) or not ref:
            raise ApiError("channel_not_found")
        conv = self.ws.find_conversation(ref)
        if conv is None and allow_user_id and ref in self.ws.users and ref[:1] in ("U", "W"):
            conv, _ = self.ws.open_im(ref)  # posting to a user ID posts into the app's DM
        if conv is None or not self.bot_can_see(conv):
            raise ApiError("channel_not_found")
        return conv

    def read_scope_for(self, conv: Conversation) -> str:
        return {
            "channel": "channels:read",
            "private": "groups:read",
            "im": "im:read",
            "mpim": "mpim:read",
        }[conv.kind]

    def history_scope_for(self, conv: Conversation) -> str:
        return self.read_scope_for(conv).replace(":read", ":history")

    def conversation_object(
        self, conv: Conversation, *, include_num_members: bool = False
    ) -> dict[str, Any]:
        """conversations.info ``channel`` object; IMs use the documented IM shape (no is_member)."""
        ws = self.ws
        if conv.kind == "im":
            obj: dict[str, Any] = {
                "id": conv.id,
                "created": conv.created,
                "is_archived": conv.is_archived,
                "is_im": True,
                "is_org_shared": False,
                "context_team_id": ws.team_id,
                "updated": conv.created * 1000,
                "user": conv.im_user,
                "is_user_deleted": bool(
                    conv.im_user in ws.users and ws.users[conv.im_user].deleted
                ),
                "priority": 0,
            }
        else:
            legacy_group = conv.kind == "private" and conv.id.startswith("G")
            obj = {
                "id": conv.id,
                "name": conv.name,
                "is_channel": conv.kind in ("channel", "private") and not legacy_group,
                "is_group": legacy_group,
                "is_im": False,
                "is_mpim": conv.kind == "mpim",
                "is_private": conv.is_private,
                "created": conv.created,
                "is_archived": conv.is_archived,
                "is_general": conv.name == "general",
                "unlinked": 0,
                "name_normalized": conv.name,
                "is_shared": False,
                "is_org_shared": False,
                "is_ext_shared": False,
                "is_pending_ext_shared": False,
                "pending_shared": [],
                "context_team_id": ws.team_id,
                "updated": conv.created * 1000,
                "parent_conversation": None,
                "creator": conv.creator,
                "shared_team_ids": [ws.team_id],
                "pending_connected_team_ids": [],
                "is_member": ws.bot_user_id in conv.members,
                "topic": {
                    "value": conv.topic,
                    "creator": conv.creator if conv.topic else "",
                    "last_set": 0,
                },
                "purpose": {
                    "value": conv.purpose,
                    "creator": conv.creator if conv.purpose else "",
                    "last_set": 0,
                },
                "previous_names": [],
            }
        if include_num_members:
            obj["num_members"] = len(conv.members)
        return obj

    def bot_message(self, ts: str, params: dict[str, Any], text: str) -> dict[str, Any]:
        """The ``message`` object Slack echoes for a bot-token post."""
        ws = self.ws
        msg: dict[str, Any] = {
            "user": ws.bot_user_id,
            "type": "message",
            "ts": ts,
            "bot_id": ws.bot_id,
            "app_id": ws.app_id,
            "text": text,
            "team": ws.team_id,
            "bot_profile": {
                "id": ws.bot_id,
                "app_id": ws.app_id,
                "name": ws.bot_name,
                "icons": {"image_48": "https://a.slack-edge.com/80588/img/plugins/app/bot_48.png"},
                "deleted": False,
                "updated": 1700000000,
                "team_id": ws.team_id,
            },
        }
        if params.get("blocks") is not None:
            msg["blocks"] = with_block_ids(params["blocks"])
        if params.get("attachments") is not None:
            msg["attachments"] = params["attachments"]
        if params.get("thread_ts"):
            msg["thread_ts"] = str(params["thread_ts"])
            msg["parent_user_id"] = ws.bot_user_id
        if isinstance(params.get("metadata"), dict):
            msg["metadata"] = params["metadata"]
        return msg

    def message_content(self, params: dict[str, Any], *, required: bool = True) -> str | None:
        """Validate text/blocks/attachments like chat.* does; returns the text (or None)."""
        text = params.get("text")
        blocks = params.get("blocks")
        attachments = params.get("attachments")
        if isinstance(blocks, str):
            raise ApiError("invalid_blocks_format")
        if blocks is not None:
            errors = validate_blocks(blocks, max_blocks=MAX_MESSAGE_BLOCKS)
            if errors:
                raise ApiError(
                    "invalid_blocks",
                    errors=errors,
                    response_metadata={"messages": [f"[ERROR] {e}" for e in errors]},
                )
        if isinstance(attachments, str):
            raise ApiError("invalid_attachments")
        has_text = isinstance(text, str) and text != ""
        if required and not has_text and not blocks and not attachments:
            raise ApiError("no_text")
        if text is None:
            return None
        return str(text)

    def parse_view(self, params: dict[str, Any], expected_type: str) -> dict[str, Any]:
        view = params.get("view")
        if view is None or view == "":
            raise invalid_arguments("missing required field: view")
        if not isinstance(view, dict):
            raise invalid_arguments("failed to match all allowed schemas [json-pointer:/view]")
        if view.get("type") != expected_type:
            raise invalid_arguments("must be a valid enum value [json-pointer:/view/type]")
        errors = validate_blocks(
            view.get("blocks"), max_blocks=MAX_VIEW_BLOCKS, pointer="/view/blocks"
        )
        if errors:
            raise invalid_arguments(*errors)
        return view

    def render_view(
        self, view_id: str, view: dict[str, Any], *, root_view_id: str | None = None
    ) -> dict[str, Any]:
        """Full view object as views.publish/open/update return it."""
        ws = self.ws
        rendered: dict[str, Any] = {
            "id": view_id,
            "team_id": ws.team_id,
            "type": view["type"],
            "blocks": with_block_ids(view.get("blocks", [])),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "previous_view_id": None,
            "root_view_id": root_view_id or view_id,
            "app_id": ws.app_id,
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": ws.team_id,
            "bot_id": ws.bot_id,
        }
        if "title" in view:
            rendered["title"] = view["title"]
        return rendered

    def check_hash(self, stored: StoredView | None, params: dict[str, Any]) -> None:
        wanted = params.get("hash")
        if wanted and stored is not None and stored.latest.get("hash") != wanted:
            raise ApiError("hash_conflict")


def with_block_ids(blocks: Any) -> Any:
    """Copy of ``blocks`` where every block has a block_id, as Slack stores them."""
    if not isinstance(blocks, list):
        return blocks
    out = copy.deepcopy(blocks)
    for block in out:
        if isinstance(block, dict) and "block_id" not in block:
            block["block_id"] = random_block_id()
    return out


# ---------------------------------------------------------------------------
# auth / apps
# ---------------------------------------------------------------------------
@method("auth.test")
def _auth_test(api: WebApi, req: ApiRequest) -> dict[str, Any]:
    ws = api.ws
    return {
        "ok": True,
        "url": f"https://{ws.team_domain}.slack.com/",
        "team": ws.team_name,
        "user": ws.bot_name,
        "team_id": ws.team_id,
        "user_id": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "is_enterprise_install": False,
    }


@method("apps.connections.open", token_type="app")
def _apps_connections_open(api: WebApi, req: ApiRequest) -> dict[str, Any]:
    return {"ok": True, "url": api.issue_socket_url()}


# ---------------------------------------------------------------------------
# conversations.*
# ---------------------------------------------------------------------------
@method("conversations.info")
def _conversations_info(api: WebApi, req: ApiRequest) -> dict[str, Any]:
    conv = api.visible_conversation(req.params.get("channel"))
    api.require_scope(api.read_scope_for(conv))
    obj = api.conversation_object(
        conv, include_num_members=truthy(req.params.get("include_num_members"))
    )
    return {"ok": True, "channel": obj}


@method("conversations.members")
def _conversations_members(api: WebApi, req: ApiRequest) -> dict[str, Any]:
    conv = api.visible_conversation(req.params.get("channel"))
    api.require_scope(api.read_scope_for(conv))
    try:
        limit = int(req.params.get("limit", 100) or 100)
    except (TypeError, ValueError):
        raise ApiError("invalid_limit") from None
    if limit < 1 or limit > 1000:
        raise ApiError("invalid_limit")
    members = list(conv.members)
    start = 0
    cursor = req.params.get("cursor")
    if cursor:
        start_user = decode_cursor(str(cursor))
        if start_user is None or start_user not in members:
            raise ApiError("invalid_cursor")
        start = members.index(start_user)
    page = members[start : start + limit]
    rest = members[start + limit :]
    next_cursor = encode_cursor(rest[0]) if rest else ""
    return {"ok": True, "members": page, "response_metadata": {"next_cursor": next_cursor}}


@method("conversations.open")
def _conversations_open(api: WebApi, req: ApiRequest) -> dict[str, Any]:
    ws = api.ws
    params = req.params
    return_im = truthy(params.get("return_im"))
    channel = params.get("channel")
    users_param = params.get("users")
    if channel and not users_param:
        conv = ws.conversations.get(str(channel))
        if conv is None or conv.kind not in ("im", "mpim") or not api.bot_can_see(conv):
            raise ApiError("channel_not_found")
        already = True
    else:
        if not users_param:
            raise ApiError("users_list_not_supplied")
        user_ids = [u.strip() for u in str(users_param).split(",") if u.strip()]
        for uid in user_ids:
            if uid not in ws.users:
                raise ApiError("user_not_found")
        humans = [u for u in user_ids if u != ws.bot_user_id]
        if len(user_ids) > 8:
            raise ApiError("too_many_users")
        if len(humans) <= 1:
            api.require_scope("im:write")
            conv, already = ws.open_im(humans[0] if humans else user_ids[0])
        else:
            api.require_scope("mpim:write")
            conv, already = ws.open_mpim(humans)
    body: dict[str, Any] = {"ok": True}
    if already:
        body.update(no_op=True, already_open=True)
    if return_im or already:
        obj = api.conversation_object(conv)
        if conv.kind == "im":
            obj.update(
                last_read="0000000000.000000",
                latest=None,
                unread_count=0,
                unread_count_display=0,
                is_open=True,
            )
        body["channel"] = obj if return_im else {"id": conv.id}
    else:
        body["channel"] = {"id": conv.id}
    return body


# ---------------------------------------------------------------------------
# chat.*
# ---------------------------------------------------------------------------
def _writable_conversation(api: WebApi, ref: Any) -> Conversation:
    conv = api.visible_conversation(ref, allow_user_id=True)
    api.require_scope("chat:write")
    if conv.is_archived:
        raise ApiError("is_archived")
    if api.ws.bot_user_id not in conv.members and not (
        conv.kind == "channel" and "chat:write.public" in api.ws.bot_scopes
    ):
        raise ApiError("not_in_channel")
    return conv


@method("chat.postMessage")
def _chat_post_message(api: WebApi, req: ApiRequest) -> dict[str, Any]:
    conv = _writable_conversation(api, req.params.get("channel"))
    text = api.message_content(req.params) or ""
    body: dict[str, Any] = {"ok": True, "channel": conv.id}
    if len(text) > MAX_MESSAGE_TEXT:
        text = text[:MAX_MESSAGE_TEXT]
        body["warning"] = "message_truncated"
        body["response_metadata"] = {"warnings": ["message_truncated"]}
    ts = api.ws.clock.next()
    message = api.bot_message(ts, req.params, text)
    api.ws.store_message(conv.id, message)
    body.update(ts=ts, message=message)
    return body


@method("conversations.history")
def _conversations_history(api: WebApi, req: ApiRequest) -> dict[str, Any]:
    """Newest first; `oldest`/`latest` exclusive as Slack documents; cursor pagination."""
    conv = api.visible_conversation(req.params.get("channel"))
    api.require_scope(api.history_scope_for(conv))
    oldest = float(req.params.get("oldest") or 0)
    latest = float(req.params.get("latest") or "inf")
    limit = int(req.params.get("limit") or 100)
    start = int(req.params.get("cursor") or 0)
    messages = [
        copy.deepcopy(m.latest)
        for m in api.ws.messages.get(conv.id, [])
        if not m.deleted and oldest < float(m.ts) < latest
    ][::-1]
    page = messages[start : start + limit]
    more = start + limit < len(messages)
    return {
        "ok": True,
        "messages": page,
        "has_more": more,
        "pin_count": 0,
        "response_metadata": {"next_cursor": str(start + limit) if more else ""},
    }


@method("chat.update")
def _chat_update(api: WebApi, req: ApiRequest) -> dict[str, Any]:
    conv = api.visible_conversation(req.params.get("channel"))
    api.require_scope("chat:write")
    ts = req.params.get("ts")
    stored = api.ws.find_message(conv.id, str(ts)) if ts else None
    if stored is None:
        raise ApiError("message_not_found")
    if stored.latest.get("bot_id") != api.ws.bot_id:
        raise ApiError("cant_update_message")
    text = api.message_content(req.params)
    new = copy.deepcopy(stored.latest)
    if text is not None:
        new["text"] = text
    if req.params.get("blocks") is not None:
        new["blocks"] = with_block_ids(req.params["blocks"])
    if req.params.get("attachments") is not None:
        new["attachments"] = req.params["attachments"]
    new["edited"] = {"user": api.ws.bot_user_id, "ts": api.ws.clock.next()}
    stored.versions.append(new)
    message = {
        k: v
        for k, v in new.items()
        if k in ("text", "blocks", "attachments", "user", "bot_id", "edited")
    }
    return {
        "ok": True,
        "channel": conv.id,
        "ts": stored.ts,
        "text": new.get("text", ""),
        "message": message,
    }


@method("chat.delete")
def _chat_delete(api: WebApi, req: ApiRequest) -> dict[str, Any]:
    conv = api.visible_conversation(req.params.get("channel"))
    api.require_scope("chat:write")
    ts = req.params.get("ts")
    stored = api.ws.find_message(conv.id, str(ts)) if ts else None
    if stored is None:
        raise ApiError("message_not_found")
    if stored.latest.get("bot_id") != api.ws.bot_id:
        raise ApiError("cant_delete_message")
    stored.deleted = True
    return {"ok": True, "channel": conv.id, "ts": stored.ts}


@method("chat.postEphemeral")
def _chat_post_ephemeral(api: WebApi, req: ApiRequest) -> dict[str, Any]:
    conv = _writable_conversation(api, req.params.get("channel"))
    user = req.params.get("user")
    if not user or user not in api.ws.users:
        raise ApiError("user_not_found")
    if user not in conv.members:
        raise ApiError("user_not_in_channel")
    text = api.message_content(req.params) or ""
    ts = api.ws.clock.next()
    message = api.bot_message(ts, req.params, text)
    api.ws.ephemeral.append(
        {"channel": conv.id, "user": user, "message_ts": ts, "message": message}
    )
    return {"ok": True, "message_ts": ts}


# ---------------------------------------------------------------------------
# views.*
# ---------------------------------------------------------------------------
@method("views.publish")
def _views_publish(api: WebApi, req: ApiRequest) -> dict[str, Any]:
    ws = api.ws
    user_id = req.params.get("user_id")
    if not user_id:
        raise invalid_arguments("missing required field: user_id")
    if user_id not in ws.users or ws.users[user_id].is_bot:
        raise invalid_arguments("invalid `user_id`")
    view = api.parse_view(req.params, "home")
    view_id = ws.home_view_ids.get(user_id)
    stored = ws.views.get(view_id) if view_id else None
    api.check_hash(stored, req.params)
    if view_id is None:
        view_id = random_id("V")
        ws.home_view_ids[user_id] = view_id
    rendered = api.render_view(view_id, view)
    if stored is None:
        ws.views[view_id] = StoredView(id=view_id, user_id=user_id, versions=[rendered])
    else:
        stored.versions.append(rendered)
    return {"ok": True, "view": rendered}


@method("views.open")
def _views_open(api: WebApi, req: ApiRequest) -> dict[str, Any]:
    ws = api.ws
    trigger = req.params.get("trigger_id")
    if not trigger:
        raise invalid_arguments("missing required field: trigger_id")
    trigger = str(trigger)
    issued = ws.triggers.get(trigger)
    if issued is not None:
        if trigger in ws.used_triggers or time.monotonic() - issued > TRIGGER_TTL_SECONDS:
            raise ApiError("expired_trigger_id")
        ws.used_triggers.add(trigger)
    view = api.parse_view(req.params, "modal")
    view_id = random_id("V")
    rendered = api.render_view(view_id, view)
    ws.views[view_id] = StoredView(id=view_id, user_id="", versions=[rendered])
    return {"ok": True, "view": rendered}


@method("views.update")
def _views_update(api: WebApi, req: ApiRequest) -> dict[str, Any]:
    ws = api.ws
    view_id = req.params.get("view_id")
    external_id = req.params.get("external_id")
    if not view_id and not external_id:
        raise invalid_arguments("missing required field: view_id or external_id")
    stored: StoredView | None = None
    if view_id:
        stored = ws.views.get(str(view_id))
    else:
        stored = next(
            (v for v in ws.views.values() if v.latest.get("external_id") == external_id), None
        )
    if stored is None:
        raise ApiError("not_found")
    api.check_hash(stored, req.params)
    view = api.parse_view(req.params, stored.latest["type"])
    rendered = api.render_view(stored.id, view, root_view_id=stored.latest.get("root_view_id"))
    stored.versions.append(rendered)
    return {"ok": True, "view": rendered}


# ---------------------------------------------------------------------------
# users.*
# ---------------------------------------------------------------------------
@method("users.info")
def _users_info(api: WebApi, req: ApiRequest) -> dict[str, Any]:
    user_id = req.params.get("user")
    api.require_scope("users:read")
    if not user_id or user_id not in api.ws.users:
        raise ApiError("user_not_found")
    include_locale = truthy(req.params.get("include_locale"))
    return {"ok": True, "user": api.ws.users[user_id].to_api(include_locale)}


def supported_methods() -> list[str]:
    return sorted(_HANDLERS)
