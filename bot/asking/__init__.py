"""Asking: one question in, one outcome out (an answer from the guidance, a short reply, usage,
a refusal), in the asker's language and read with the question before it; "I need help now";
and the records of questions, answers and the feedback on them."""
