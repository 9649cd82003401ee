"""The advice engine: knowledge files in, advice out (the sections that answer a question,
their curated answers, and whether it is an emergency, off-topic or a greeting).

It knows nothing of Slack; `bot/` talks to it only through `Engine`.
"""

from index.build import BuildReport
from index.engine import MAX_QUESTION_CHARS, MODES, Answer, Engine, Hit, Mode, check_question
from index.errors import BoundaryError, KnowledgeError, ModelError, QuestionError
from index.sections import Section

__all__ = [
    "MAX_QUESTION_CHARS",
    "MODES",
    "Answer",
    "BoundaryError",
    "BuildReport",
    "Engine",
    "Hit",
    "KnowledgeError",
    "Mode",
    "ModelError",
    "QuestionError",
    "Section",
    "check_question",
]
