"""One question from Slack, one outcome: shared by the DM listener and `/boundary`, which
render it (`bot.asking.messages.render`).

Order matters: help, then the rate limit, then the engine, which checks the question (empty
and over-long ones are refused there, once) and answers it; then the question is recorded with
its answer (a failed answer is recorded too, so the apology can offer the supervisor button);
then, for an urgent answer, the escalation, before replying, so the reply can truthfully say a
supervisor knows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from bot.asking.compose import Reply, compose
from bot.asking.ratelimit import RateLimiter
from bot.asking.store import QuestionStore
from bot.config import Settings
from bot.escalation.service import Escalations
from bot.escalation.states import Kind
from index import Answer, QuestionError

log = logging.getLogger(__name__)

HELP_WORDS = ("", "help", "?")


class Engine(Protocol):
    """What the Advisor needs of the search engine (`index.Engine`, built in `bot.services`).

    `ask` raises QuestionError, with a one-line reason for a person, for a question it will
    not take (empty, over-long): the Advisor relies on that rather than checking again.
    """

    def ask(
        self, question: str, top: int = 3, *, context: str = "", language_hint: str = ""
    ) -> Answer: ...


@dataclass(frozen=True)
class Usage:
    """Help was asked for (or nothing at all)."""


@dataclass(frozen=True)
class RateLimited:
    """The asker is over the per-minute limit; the engine was not asked."""


@dataclass(frozen=True)
class Refused:
    reason: str  # why the engine would not take the question, for the asker


@dataclass(frozen=True)
class Failed:
    question_id: str  # the question on record, for the supervisor button of the apology


@dataclass(frozen=True)
class Answered:
    question_id: str
    reply: Reply
    escalation_id: str | None = None  # set when the answer was urgent and escalated


Outcome = Usage | RateLimited | Refused | Failed | Answered


def unescape(text: str) -> str:
    """Slack sends `&`, `<`, `>` as entities; the engine should read the characters."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def is_help(text: str) -> bool:
    """Whether `text`, as Slack sent it, asks for usage rather than advice."""
    return unescape(text).strip().lower() in HELP_WORDS


class Advisor:
    def __init__(
        self,
        engine: Engine,
        questions: QuestionStore,
        escalations: Escalations,
        settings: Settings,
    ) -> None:
        self.engine = engine
        self.questions = questions
        self.escalations = escalations
        self.settings = settings
        self.limiter = RateLimiter(settings.rate_limit_per_minute)

    def ask(self, user_id: str, channel_id: str, source: str, text: str) -> Outcome:
        """What came of `text` asked by `user_id` (never raises for bad input)."""
        if is_help(text):
            return Usage()
        if not self.limiter.allow(user_id):
            log.info("rate limited %s", user_id)
            return RateLimited()
        question = unescape(text).strip()
        try:
            answer = self.engine.ask(question)
        except QuestionError as exc:
            return Refused(str(exc))
        except Exception:
            question_id = self.questions.record_question(user_id, channel_id, source, question)
            log.exception("the engine failed on question %s", question_id)
            return Failed(question_id)
        reply = compose(answer)
        question_id = self.questions.record_question(
            user_id,
            channel_id,
            source,
            question,
            confident=answer.confident,
            urgent=answer.urgent,
            citations=[hit.section.citation for hit in reply.passages],
        )
        escalation_id = None
        if answer.urgent:
            outcome = self.escalations.escalate(question_id, user_id, Kind.URGENT, question_id)
            escalation_id = outcome.escalation.id if outcome.escalation else None
        log.info(
            "answered question %s (%s) confident=%s urgent=%s",
            question_id,
            source,
            answer.confident,
            answer.urgent,
        )
        return Answered(question_id, reply, escalation_id)
