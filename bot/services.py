"""The bot's long-lived parts, built once and handed to every listener module's `register`."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

from bot.asking import Advisor
from bot.config import Settings
from bot.escalations import Escalations
from bot.home import home_view
from bot.outbox import DeliveryWorker
from bot.storage import Storage
from bot.supervisors import Supervisors
from index import Engine


@dataclass
class Services:
    settings: Settings
    storage: Storage
    supervisors: Supervisors
    escalations: Escalations
    advisor: Advisor
    worker: DeliveryWorker

    def publish_home(self, client: WebClient, user_id: str) -> None:
        client.views_publish(
            user_id=user_id, view=home_view(user_id, self.storage, self.supervisors)
        )


def build_services(settings: Settings, engine: Engine, client: WebClient) -> Services:
    storage = Storage(settings.data_dir)
    supervisors = Supervisors(client, settings.supervisor_channel_id)
    worker = DeliveryWorker(storage, client, settings)
    escalations = Escalations(storage, supervisors, worker.wake)
    advisor = Advisor(engine, storage, escalations, settings)
    return Services(settings, storage, supervisors, escalations, advisor, worker)
