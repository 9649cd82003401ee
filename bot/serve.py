"""`boundary-bot serve`: startup checks, then Socket Mode or HTTP (waitress), until a signal.

Startup refuses (ConfigError: one line, exit 2) rather than run misconfigured: the supervisor
channel (and the ladder's backup channel, if set) must exist, be private and have the bot in
it, because escalations carry sensitive questions and must reach exactly the people allowed
to see them.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from urllib.error import URLError

import waitress
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.app import build_app
from bot.config import ConfigError, Settings
from bot.services import Services, build_engine, build_services
from bot.slack.client import slack_client
from bot.slack.dedupe import replay_unfinished
from bot.slack.web import SlackEndpoint, WsgiApp
from bot.storage import apply_retention

log = logging.getLogger(__name__)
SLACK_SECRETS = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET")


def serve(settings: Settings, *, http: bool, host: str = "0.0.0.0", port: int = 3000) -> int:
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    forget_slack_secrets()  # before any thread starts: os.environ is process-wide
    client = slack_client(settings)
    check_supervisor_channel(client, settings)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())

    web = WsgiApp()
    server = waitress.create_server(web, host=host, port=port) if http else None
    if server:  # up before the model loads, so /healthz can say 503 meanwhile
        threading.Thread(target=server.run, name="http", daemon=True).start()
        log.info("listening on http://%s:%d", host, port)

    services = build_services(settings, build_engine(settings), client)
    app = _bolt_app(settings, client, services)
    services.start()
    replay_unfinished(app, services.deliveries)  # what a killed run acknowledged but never did
    if settings.retention_days:
        threading.Thread(
            target=apply_retention,
            args=(services.database, settings.retention_days, stop),
            daemon=True,
        ).start()

    socket_mode = None
    if server:
        web.ready(SlackEndpoint(app, settings.slack_signing_secret))
    else:
        socket_mode = SocketModeHandler(app, settings.slack_app_token)
        try:
            socket_mode.connect()
        except SlackApiError as exc:
            raise ConfigError(
                f"SLACK_APP_TOKEN was refused by Slack: {exc.response.get('error')}"
            ) from None
    log.info("ready: %s", "HTTP" if server else "Socket Mode")

    stop.wait()
    log.info("shutting down")
    if socket_mode:
        socket_mode.close()
    if server:
        server.close()
    services.stop()
    return 0


def forget_slack_secrets() -> None:
    """Take the Slack secrets out of os.environ once `settings` hold them.

    Slack's libraries fall back to these variables behind our back: Bolt's App reads
    SLACK_BOT_TOKEN whenever no `token` is passed, and given our own `client` (which carries
    that very token) it then logs "As you gave `client` as well, `token` will be unused".
    Settings stay the one source; nothing later picks a secret up implicitly.
    """
    for name in SLACK_SECRETS:
        os.environ.pop(name, None)


def check_supervisor_channel(client: WebClient, settings: Settings) -> None:
    """The supervisor channel (and the ladder's backup channel, if set) exists, is private and
    has the bot in it, or ConfigError."""
    check_private_channel(client, settings, "SUPERVISOR_CHANNEL_ID", settings.supervisor_channel_id)
    if settings.escalation_backup_channel_id:
        check_private_channel(
            client,
            settings,
            "ESCALATION_BACKUP_CHANNEL_ID",
            settings.escalation_backup_channel_id,
        )


def check_private_channel(client: WebClient, settings: Settings, name: str, channel: str) -> None:
    """The channel of setting `name` exists, is private and has the bot in it, or ConfigError."""
    try:
        info = client.conversations_info(channel=channel)["channel"]
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error == "channel_not_found":
            raise ConfigError(
                f"{name} {channel} was not found; invite the bot to the private channel and use "
                "that channel's ID"
            ) from None
        raise ConfigError(f"{name} {channel} could not be checked: {error}") from None
    except (URLError, OSError) as exc:
        raise ConfigError(
            f"SLACK_API_URL {settings.slack_api_url} cannot be reached: {exc}"
        ) from None
    if not info.get("is_private"):
        raise ConfigError(
            f"{name} {channel} is a public channel; escalations hold sensitive questions, so it "
            "must be a private channel"
        )
    if not info.get("is_member"):
        raise ConfigError(f"{name} {channel}: the bot is not a member; invite it to the channel")


def _bolt_app(settings: Settings, client: WebClient, services: Services) -> App:
    try:
        return build_app(settings, client, services)
    except BoltError as exc:  # auth.test failed
        raise ConfigError(f"SLACK_BOT_TOKEN was refused by Slack: {exc}") from None
