"""Errors the engine raises for bad input; each message is one line meant for a person."""


class BoundaryError(Exception):
    """Base class: the CLI and the Slack app turn these into a one-line message."""


class KnowledgeError(BoundaryError):
    """The knowledge directory is missing, empty or holds a file that is not UTF-8 text."""


class ModelError(BoundaryError):
    """The embedding model cannot be loaded (offline, so nothing is downloaded)."""


class QuestionError(BoundaryError):
    """The question is empty or too long to be a question."""
