"""One question from Slack, one reply: shared by the DM listener and `/boundary`.

Order matters: rate limit, then check, then record the question (so even a failed answer
leaves a record and an apology can offer the supervisor button), then answer, then, for an
urgent answer, escalate before replying so the reply can truthfully say a supervisor knows.
"""

from __future__ import annotations

import logging

from bot import blocks
from bot.asking.store import QuestionStore
from bot.compose import compose
from bot.config import Settings
from bot.escalation.service import Escalations
from bot.escalation.states import Kind
from bot.ratelimit import RateLimiter
from bot.slack.blocks import Message, notice
from bot.slack.text import safe
from index import Engine, QuestionError, check_question

log = logging.getLogger(__name__)

HELP_WORDS = ("", "help", "?")
RATE_LIMITED = (
    "You're asking faster than I can keep up with. Take a breath and try again in a minute. "
    "If this is urgent, call the office or your supervisor now."
)


def unescape(text: str) -> str:
    """Slack sends `&`, `<`, `>` as entities; the engine should read the characters."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


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

    def reply(self, user_id: str, channel_id: str, source: str, text: str) -> Message:
        """The message to send back for `text` asked by `user_id` (never raises for input)."""
        question = unescape(text).strip()
        if question.lower() in HELP_WORDS:
            return blocks.usage()
        if not self.limiter.allow(user_id):
            log.info("rate limited %s", user_id)
            return notice(RATE_LIMITED)
        try:
            question = check_question(question)
        except QuestionError as exc:
            return notice(safe(f"Sorry, {exc}.", 500))
        question_id = self.questions.record_question(user_id, channel_id, source, question)
        try:
            answer = self.engine.ask(question)
        except Exception:
            log.exception("the engine failed on question %s", question_id)
            return blocks.apology(question_id)
        reply = compose(answer, self.settings.safety_steps)
        self.questions.record_answer(
            question_id,
            confident=answer.confident,
            urgent=answer.urgent,
            citations=[hit.passage.citation for hit in reply.passages],
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
        return blocks.answer(reply, question_id, escalation_id=escalation_id)
