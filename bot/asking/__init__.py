"""Asking: one question in, one outcome out (an answer from the guidance, usage, a refusal),
and the records of questions, answers and the feedback on them."""
