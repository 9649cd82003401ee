"""The advice engine: knowledge files in, ranked passages with confidence and urgency out.

It knows nothing of Slack; `bot/` talks to it only through `Engine`.
"""

from index.build import BuildReport
from index.engine import MAX_QUESTION_CHARS, Answer, Engine, Hit, check_question
from index.errors import BoundaryError, KnowledgeError, ModelError, QuestionError
from index.store import StoredPassage

__all__ = [
    "MAX_QUESTION_CHARS",
    "Answer",
    "BoundaryError",
    "BuildReport",
    "Engine",
    "Hit",
    "KnowledgeError",
    "ModelError",
    "QuestionError",
    "StoredPassage",
    "check_question",
]
