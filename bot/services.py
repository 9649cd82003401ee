"""The composition root: the bot's long-lived parts, built once here and handed to every
listener module's `register`. The only place that picks concrete classes for the protocols
the features depend on (the engine, who supervises)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from slack_sdk import WebClient

import index
from bot.asking.advisor import Advisor, Engine
from bot.asking.help_now import HelpNow
from bot.asking.locale import SlackLocales
from bot.asking.store import QuestionStore
from bot.checkins import delivery as checkin_delivery
from bot.checkins.home import CheckinPanel
from bot.checkins.service import Checkins, TextLanguage, WorkerLanguage
from bot.checkins.store import CheckinStore
from bot.checkins.worker import CheckinWorker
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
    checkins: Checkins
    checkin_worker: CheckinWorker

    def start(self) -> None:
        """Start the background threads: Slack deliveries, App Home refreshes, check-ins."""
        self.worker.start()
        self.homes.start()
        self.checkin_worker.start()

    def stop(self) -> None:
        self.checkin_worker.stop()
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


class SearchEngine(Engine, Grouper, TextLanguage, Protocol):
    """What the bot needs of `index.Engine`: answers, alike questions grouped (gaps), and the
    language of a check-in's note."""


def build_services(
    settings: Settings,
    engine: SearchEngine,
    client: WebClient,
    clock: Callable[[], float] = time.time,
) -> Services:
    """Everything `serve` runs; `clock` is injectable so tests move time instead of sleeping."""
    database = Database(settings.data_dir)
    questions = QuestionStore(database)
    escalation_store = EscalationStore(database, clock)
    checkin_store = CheckinStore(database, clock)
    supervisors = ChannelSupervisors(  # the ladder's backup responders may take what they get
        client,
        settings.supervisor_channel_id,
        more_channels=[settings.escalation_backup_channel_id],
        more_users=settings.escalation_backup_user_ids,
    )
    locales = SlackLocales(client)
    worker = DeliveryWorker(
        OutboxStore(database), escalation_store, client, settings, clock, languages=locales
    )
    worker_language = WorkerLanguage(locales, questions, engine)
    checkin_delivery.register(
        worker, checkin_store, settings.checkin_grace_minutes, worker_language
    )
    homes = HomeRefresher(
        HomeStore(database),
        escalation_store,
        supervisors,
        client,
        language=locales.language,
        emergency_number=settings.emergency_number,
        panels=[CheckinPanel(checkin_store)],
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
        escalation_store,
        questions,
        supervisors,
        worker.wake,
        homes.escalation_changed,
        languages=locales,
    )
    checkins = Checkins(
        checkin_store,
        escalations,
        worker.wake,
        homes.user_changed,
        settings.checkin_grace_minutes,
        worker_language,
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
        checkins,
        CheckinWorker(checkins, clock),
    )
