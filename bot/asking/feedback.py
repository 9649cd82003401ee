"""What a Helpful / Not helpful vote is about (the `subject` column of `feedback`)."""

from __future__ import annotations

from enum import StrEnum


class Subject(StrEnum):
    ANSWER = "answer"  # the bot's answer; subject_id is the question's id
    RESOLUTION = "resolution"  # a supervisor's handling; subject_id is the escalation's id
