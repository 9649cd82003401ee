"""The composition root: the bot's long-lived parts, built once here and handed to every
listener module's `register`. The only place that picks concrete classes for the protocols
the features depend on (the engine, who supervises)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from slack_sdk import WebClient

import index
from bot.asking.advisor import Advisor, Engine
from bot.asking.help_now import HelpNow
from bot.asking.locale import SlackLocales
from bot.asking.store import QuestionStore
from bot.config import Settings
from bot.escalation.outbox import DeliveryWorker
from bot.escalation.outbox_store import OutboxStore
from bot.escalation.service import Escalations
from bot.escalation.store import EscalationStore
from bot.escalation.supervisors import ChannelSupervisors, Supervisors
from bot.guidance.folder import GuidanceFolder
from bot.guidance.gaps import Gaps, Grouper
from bot.guidance.messages import review_blocks
from bot.guidance.service import Guidance
from bot.guidance.store import GuidanceStore
from bot.home.refresher import HomeRefresher
from bot.home.store import HomeStore
from bot.slack.deliveries import DeliveryStore
from bot.storage import Database


@dataclass
class Services:
    settings: Settings
    database: Database
    deliveries: DeliveryStore
    questions: QuestionStore
    supervisors: Supervisors
    escalations: Escalations
    advisor: Advisor
    worker: DeliveryWorker
    homes: HomeRefresher
    locales: SlackLocales
    help_now: HelpNow
    guidance: Guidance

    def start(self) -> None:
        """Start the background threads: Slack deliveries and App Home refreshes."""
        self.worker.start()
        self.homes.start()

    def stop(self) -> None:
        self.homes.stop()
        self.worker.stop()


def build_engine(settings: Settings) -> index.Engine:
    """The search engine over the knowledge folder (loads the model: seconds)."""
    return index.Engine(
        settings.knowledge_dir,
        settings.data_dir,
        settings.embedding_model,
        precision=settings.embedding_precision,
        numbers=settings.numbers,
    )


class SearchEngine(Engine, Grouper, Protocol):
    """What the bot needs of `index.Engine`: answers, and alike questions grouped (gaps)."""


def build_services(settings: Settings, engine: SearchEngine, client: WebClient) -> Services:
    database = Database(settings.data_dir)
    questions = QuestionStore(database)
    escalation_store = EscalationStore(database)
    supervisors = ChannelSupervisors(client, settings.supervisor_channel_id)
    worker = DeliveryWorker(OutboxStore(database), escalation_store, client, settings)
    locales = SlackLocales(client)
    homes = HomeRefresher(
        HomeStore(database),
        escalation_store,
        supervisors,
        client,
        language=locales.language,
        emergency_number=settings.emergency_number,
    )
    guidance_store = GuidanceStore(database)
    guidance = Guidance(
        guidance_store,
        GuidanceFolder(settings.knowledge_dir),
        Gaps(guidance_store, engine),
        questions,
        supervisors,
        homes.review_changed,
    )
    homes.review = lambda: review_blocks(guidance.overview())
    escalations = Escalations(
        escalation_store, questions, supervisors, worker.wake, homes.escalation_changed
    )
    advisor = Advisor(engine, questions, escalations, settings, locales)
    return Services(
        settings,
        database,
        DeliveryStore(database),
        questions,
        supervisors,
        escalations,
        advisor,
        worker,
        homes,
        locales,
        HelpNow(questions, escalations, locales),
        guidance,
    )
