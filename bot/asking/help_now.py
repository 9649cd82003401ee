"""The "I need help now" button: one click raises an urgent escalation, whatever the bot
made of the question, so a danger the detector missed still reaches the supervisors at once.

The escalation is about the asker's last question: the one whose answer was clicked, else
(from the App Home, the help, a refusal) their most recent one, else a note that they asked
nothing yet. A second click while supervisors already have it raises nothing new; a click
about a question whose urgent escalation is already closed is a new call for help.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.asking.locale import Languages
from bot.asking.store import Question, QuestionStore
from bot.asking.strings import ENGLISH
from bot.escalation.service import Escalations, Result
from bot.escalation.states import ACTIVE, Kind

SOURCE = "help"  # the `source` of a question recorded for a click, not asked
NO_QUESTION = "(No question asked: they tapped I need help now.)"  # for the supervisors


@dataclass(frozen=True)
class HelpCall:
    """What came of a click: whether it raised a new card, the escalation, the language."""

    raised: bool
    escalation_id: str | None  # None only if the escalation could not be raised at all
    language: str


class HelpNow:
    def __init__(
        self, questions: QuestionStore, escalations: Escalations, languages: Languages
    ) -> None:
        self.questions = questions
        self.escalations = escalations
        self.languages = languages

    def call(self, user_id: str, channel_id: str, question_id: str = "") -> HelpCall:
        """Raise (or find) the urgent escalation for `user_id`'s click; `question_id` is the
        clicked answer's question, "" where the button belongs to no question."""
        question = self.questions.question(question_id) if question_id else None
        if question is None or question.user_id != user_id:
            question = self.questions.latest(user_id)
        language = question.language if question else self.languages.language(user_id)
        language = language or ENGLISH
        if question is None:
            question_id = self.questions.record_question(
                user_id, channel_id, SOURCE, NO_QUESTION, language=language
            )
        else:
            question_id = question.id
        outcome = self.escalations.escalate(question_id, user_id, Kind.URGENT, question_id)
        closed = outcome.escalation is not None and outcome.escalation.state not in ACTIVE
        if outcome.result is Result.ALREADY_RAISED and closed and question is not None:
            again = self._again(question, channel_id)
            outcome = self.escalations.escalate(again, user_id, Kind.URGENT, again)
        escalation = outcome.escalation
        return HelpCall(
            outcome.result is Result.RAISED, escalation.id if escalation else None, language
        )

    def _again(self, question: Question, channel_id: str) -> str:
        """The question on record once more, for a new call for help about it."""
        return self.questions.record_question(
            question.user_id,
            channel_id,
            SOURCE,
            question.text,
            confident=question.confident,
            urgent=question.urgent,
            citations=question.citations,
            language=question.language,
        )
