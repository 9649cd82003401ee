"""The bot's long-lived parts, built once and handed to every listener module's `register`."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

from bot.asking import Advisor
from bot.config import Settings
from bot.escalations import Escalations
from bot.home_refresh import HomeRefresher
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
    homes: HomeRefresher

    def start(self) -> None:
        """Start the background threads: Slack deliveries and App Home refreshes."""
        self.worker.start()
        self.homes.start()

    def stop(self) -> None:
        self.homes.stop()
        self.worker.stop()


def build_services(settings: Settings, engine: Engine, client: WebClient) -> Services:
    storage = Storage(settings.data_dir)
    supervisors = Supervisors(client, settings.supervisor_channel_id)
    worker = DeliveryWorker(storage, client, settings)
    homes = HomeRefresher(storage, supervisors, client)
    escalations = Escalations(storage, supervisors, worker.wake, homes.escalation_changed)
    advisor = Advisor(engine, storage, escalations, settings)
    return Services(settings, storage, supervisors, escalations, advisor, worker, homes)
