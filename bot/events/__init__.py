"""Events API listeners."""

from slack_bolt import App

from bot.events import app_home_opened, message_im
from bot.services import Services


def register(app: App, services: Services) -> None:
    message_im.register(app, services)
    app_home_opened.register(app, services)
