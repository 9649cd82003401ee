"""One question from Slack, one outcome: shared by the DM listener and `/boundary`, which
render it (`bot.asking.messages.render`).

Order matters: help, then the rate limit, then the engine, which checks the question (empty
and over-long ones are refused there, once) and answers it, reading a follow-up with the
question before it (`bot.asking.conversation`) and with the asker's Slack language as a hint;
then the question is recorded with its answer (a failed answer is recorded too, so the apology
can offer the supervisor button); then, for an urgent answer, the escalation, before replying,
so the reply can truthfully say a supervisor knows.

Every outcome carries the language to reply in: the answer's (the question's own language
wins), else the asker's Slack language.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from bot.asking.compose import CONVERSATION, Reply, compose
from bot.asking.conversation import Conversations, Place
from bot.asking.locale import Languages, NoHints
from bot.asking.ratelimit import RateLimiter
from bot.asking.store import QuestionStore
from bot.asking.strings import ENGLISH, SPANISH
from bot.config import Settings
from bot.escalation.service import Escalations
from bot.escalation.states import Kind
from index import Answer, QuestionError, Section

log = logging.getLogger(__name__)

HELP_WORDS = {"": "", "?": "", "help": ENGLISH, "ayuda": SPANISH}  # and their language
HELP = "help"  # the conversation intent asking what the bot does


class Engine(Protocol):
    """What the Advisor needs of the search engine (`index.Engine`, built in `bot.services`).

    `ask` raises QuestionError, with a one-line reason for a person, for a question it will
    not take (empty, over-long): the Advisor relies on that rather than checking again.
    """

    def ask(
        self, question: str, top: int = 3, *, context: str = "", language_hint: str = ""
    ) -> Answer: ...

    @property
    def sections(self) -> list[Section]:
        """Every section of the knowledge as it is now (for "Show the guidance")."""
        ...


@dataclass(frozen=True)
class Usage:
    """Help was asked for (or nothing at all)."""

    language: str = ENGLISH


@dataclass(frozen=True)
class RateLimited:
    """The asker is over the per-minute limit; the engine was not asked."""

    language: str = ENGLISH


@dataclass(frozen=True)
class Refused:
    """The engine would not take the question: empty, or longer than it reads."""

    length: int  # of the question, in characters
    language: str = ENGLISH


@dataclass(frozen=True)
class NeedsWords:
    """A photo (or other file) came with no text: the bot cannot look at it."""

    language: str = ENGLISH


@dataclass(frozen=True)
class Failed:
    question_id: str  # the question on record, for the supervisor button of the apology
    language: str = ENGLISH


@dataclass(frozen=True)
class Answered:
    question_id: str
    reply: Reply
    escalation_id: str | None = None  # set when the answer was urgent and escalated


Outcome = Usage | RateLimited | Refused | NeedsWords | Failed | Answered


@dataclass(frozen=True)
class Behind:
    """What "Show the guidance" opens: the sections an answer came from, as they are now."""

    language: str
    urgent: bool
    sections: tuple[Section, ...]  # empty when the knowledge no longer has them


def unescape(text: str) -> str:
    """Slack sends `&`, `<`, `>` as entities; the engine should read the characters."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def is_help(text: str) -> bool:
    """Whether `text`, as Slack sent it, asks for usage rather than advice."""
    return unescape(text).strip().lower() in HELP_WORDS


def _help_language(text: str, hint: str) -> str:
    """The language to explain usage in: the help word's own ("ayuda"), else the hint's."""
    return HELP_WORDS.get(unescape(text).strip().lower()) or hint or ENGLISH


class Advisor:
    def __init__(
        self,
        engine: Engine,
        questions: QuestionStore,
        escalations: Escalations,
        settings: Settings,
        languages: Languages | None = None,
        conversations: Conversations | None = None,
    ) -> None:
        self.engine = engine
        self.questions = questions
        self.escalations = escalations
        self.settings = settings
        self.languages = languages or NoHints()
        self.conversations = conversations or Conversations()
        self.limiter = RateLimiter(settings.rate_limit_per_minute)

    def ask(
        self,
        user_id: str,
        channel_id: str,
        source: str,
        text: str,
        *,
        thread: str = "",
        attachment: bool = False,
    ) -> Outcome:
        """What came of `text` asked by `user_id` (never raises for bad input).

        `thread`: the DM thread it was sent in, if any (a conversation of its own);
        `attachment`: a file came with it (the text is answered; the file is not read).
        """
        hint = self.languages.language(user_id)
        if attachment and not unescape(text).strip():
            return NeedsWords(hint or ENGLISH)
        if is_help(text):
            return Usage(_help_language(text, hint))
        if not self.limiter.allow(user_id):
            log.info("rate limited %s", user_id)
            return RateLimited(hint or ENGLISH)
        question = unescape(text).strip()
        place = Place(user_id, channel_id, thread)
        earlier = self.conversations.recall(place)
        try:
            answer = self.engine.ask(
                question, context=earlier.question if earlier else "", language_hint=hint
            )
        except QuestionError:
            return Refused(len(question), hint or ENGLISH)
        except Exception:
            question_id = self.questions.record_question(user_id, channel_id, source, question)
            log.exception("the engine failed on question %s", question_id)
            return Failed(question_id, hint or ENGLISH)
        if answer.scope == CONVERSATION and answer.intent == HELP:
            return Usage(answer.language)
        reply = compose(
            answer, self.settings.emergency_number, earlier.section if earlier else None
        )
        question_id = self.questions.record_question(
            user_id,
            channel_id,
            source,
            question,
            confident=answer.confident,
            urgent=answer.urgent,
            citations=[section.citation for section in reply.sections],
            language=answer.language,
        )
        if answer.scope != CONVERSATION:  # thanks and greetings leave the situation as it was
            top = answer.hits[0].section if answer.confident and answer.hits else None
            self.conversations.remember(place, question, top)
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

    def behind(self, question_id: str, user_id: str) -> Behind | None:
        """The sections behind the answer to `user_id`'s question; None if it is not theirs."""
        question = self.questions.question(question_id)
        if question is None or question.user_id != user_id:
            return None
        current = {section.citation: section for section in self.engine.sections}
        sections = tuple(current[c] for c in question.citations if c in current)
        return Behind(question.language, bool(question.urgent), sections)
