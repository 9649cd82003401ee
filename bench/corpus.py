"""Deterministic synthetic inputs for the benchmark: a guidance-like corpus and questions.

Texts come from sentence templates whose slots are filled from word lists with a seeded RNG,
so every run produces the same corpus while no two sections read alike.
"""

from __future__ import annotations

import random
from pathlib import Path

WHO = (
    "the client",
    "your client",
    "an elderly client",
    "a new customer",
    "the client's son",
    "the client's daughter",
    "a regular client",
    "the homeowner",
    "a client who lives alone",
    "the client's partner",
    "a long-standing customer",
    "a client with dementia",
    "the family",
    "a neighbour of the client",
    "the client's carer",
)
THING = (
    "a box of chocolates",
    "a cash tip",
    "an old watch",
    "a bottle of wine",
    "a gift card",
    "a home-cooked lunch",
    "a piece of jewellery",
    "their spare car",
    "a birthday card",
    "a handmade scarf",
    "some concert tickets",
    "a second-hand laptop",
    "a loan of fifty pounds",
    "a share of their will",
    "a lift home",
    "a set of garden tools",
)
TASK = (
    "move the heavy wardrobe",
    "walk the dog on Sunday",
    "pick up a prescription",
    "sort out the bank statements",
    "clean the gutters",
    "drive them to the hospital",
    "fix the leaking tap",
    "babysit the grandchildren",
    "post a parcel at lunchtime",
    "set up a new phone",
    "paint the back fence",
    "stay an extra hour",
    "keep the spare key",
    "water the plants while they are away",
    "read their private letters aloud",
)
PLACE = (
    "in the kitchen",
    "at the front door",
    "during a visit",
    "on the first day",
    "at the end of the shift",
    "over the phone",
    "by text message",
    "on social media",
    "in front of the family",
    "while you are working",
    "in the car park",
    "after a long week",
)
FEELING = (
    "awkward",
    "pressured",
    "uneasy",
    "flattered",
    "unsure",
    "guilty",
    "worried",
    "annoyed",
    "tired",
    "confused",
    "unsafe",
    "embarrassed",
)
ACTION = (
    "write a short note of what happened",
    "tell your supervisor the same day",
    "thank them warmly and say no",
    "explain the company policy in plain words",
    "suggest a colleague who can help",
    "keep the conversation on the task",
    "leave the house and call the office",
    "record the date, the time and the words used",
    "offer a kind word instead of the favour",
    "check the booking before you agree",
    "ask the office to talk to the family",
    "step back and take a breath before answering",
)
TOPIC = (
    "Gifts",
    "Tips",
    "Favours",
    "Secrets",
    "Money",
    "Schedules",
    "Phone numbers",
    "Invitations",
    "Flirting",
    "Safety",
    "Family members",
    "Food and drink",
    "Social media",
    "Extra tasks",
    "Personal stories",
    "Holidays",
    "Keys and access",
    "Complaints",
    "First visits",
    "Saying no",
)
ASPECT = (
    "when the client insists",
    "from a new client",
    "and the family",
    "on a busy day",
    "that feel like payment",
    "after hours",
    "you already accepted",
    "in shared homes",
    "with vulnerable clients",
    "that keep coming back",
    "and your supervisor",
    "at the first visit",
    "you are unsure about",
    "and written records",
)
SENTENCES = (
    "When {who} offers you {thing}, {action}.",
    "If {who} asks you to {task}, {action}.",
    "You may feel {feeling} when {who} brings up {thing} {place}.",
    "It is common to feel {feeling} {place}, and that is a good reason to pause.",
    "Never agree to {task} just because {who} seems lonely or {feeling}.",
    "A simple rule helps: {action}, even if {who} is disappointed.",
    "Some Home Pros accept {thing} without thinking, which can look like a favour owed.",
    "Before you {task}, check whether it is on the booking.",
    "If you notice {who} becoming {feeling} {place}, {action}.",
    "Accepting {thing} {place} may seem harmless, but it changes the relationship.",
    "Your supervisor would rather hear about {thing} early than learn about it later.",
    "Remember that {who} is paying for a service, not for your friendship.",
    "When in doubt, {action} and let the office decide.",
    "A request to {task} is outside the service unless the office agrees.",
    "Kindness and limits go together: {action}.",
    "Many clients do not know the rules, so {action}.",
    "If {who} keeps asking {place}, it is fine to repeat the same answer calmly.",
    "Feeling {feeling} is a signal worth listening to, not a weakness.",
    "Do not keep {thing} a secret from the office, even if {who} asks you to.",
    "Being firm {place} protects both you and {who}.",
)
QUESTION_STARTS = (
    "",
    "Quick question: ",
    "Hi, ",
    "Not sure what to do: ",
    "Help please, ",
    "Is this ok? ",
    "Need advice, ",
)
QUESTION_BODIES = (
    "{who} offered me {thing}",
    "{who} asked me to {task}",
    "{who} keeps asking me to {task} {place}",
    "I feel {feeling} because {who} gave me {thing}",
    "{who} wants my personal phone number",
    "{who} invited me to a family party",
    "{who} told me a secret and asked me not to tell anyone",
    "{who} keeps flirting with me {place}",
    "{who} wants me to come on my day off",
    "{who} shouted at me {place} and I feel {feeling}",
    "{who} tried to pay me in cash for extra work",
    "{who} sent me a friend request",
    "I think {who} is being neglected",
    "{who} wants to leave me {thing}",
    "{who} talks about money problems every visit",
)
QUESTION_ENDS = (
    "",
    ", is that ok?",
    ", what should I do?",
    ", can I say yes?",
    ", how do I say no politely?",
    ", should I tell my supervisor?",
    "?",
    " - what now",
)


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        who=rng.choice(WHO),
        thing=rng.choice(THING),
        task=rng.choice(TASK),
        place=rng.choice(PLACE),
        feeling=rng.choice(FEELING),
        action=rng.choice(ACTION),
    )


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def section_text(rng: random.Random, low: int = 300, high: int = 700) -> str:
    """One to three paragraphs of guidance-like sentences, `low`..`high` characters long."""
    target = rng.randint(low, high)
    sentences: list[str] = []
    size = 0
    while size < target:
        sentence = _capitalize(_fill(rng.choice(SENTENCES), rng))
        if size + len(sentence) + 1 > high and size >= low:
            break
        sentences.append(sentence)
        size += len(sentence) + 1
    cuts = min(rng.randint(0, 2), len(sentences) - 1)
    breaks = sorted(rng.sample(range(1, len(sentences)), cuts))
    paragraphs, last = [], 0
    for cut in [*breaks, len(sentences)]:
        paragraphs.append(" ".join(sentences[last:cut]))
        last = cut
    return "\n\n".join(p for p in paragraphs if p)


def document(doc: int, sections: int, seed: int = 0) -> str:
    """The Markdown of synthetic document number `doc` (same input, same text)."""
    rng = random.Random(f"{seed}-{doc}")
    lines = [
        "---",
        f"title: Synthetic guidance {doc:03d}",
        f'source: "Benchmark corpus, document {doc:03d}"',
        "---",
        "",
    ]
    for number in range(sections):
        heading = f"{rng.choice(TOPIC)} {rng.choice(ASPECT)} ({doc:03d}.{number:03d})"
        lines += [f"## {heading}", "", section_text(rng), ""]
    return "\n".join(lines)


def write_corpus(directory: Path, docs: int, sections: int, seed: int = 0) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for doc in range(docs):
        path = directory / f"synthetic-{doc:03d}.md"
        path.write_text(document(doc, sections, seed), encoding="utf-8")
        paths.append(path)
    return paths


def edit_document(path: Path, edit: int, sections: int = 5) -> None:
    """Rewrite the first `sections` section bodies of a document (a realistic edit)."""
    rng = random.Random(f"edit-{edit}-{path.name}")
    parts = path.read_text(encoding="utf-8").split("\n## ")
    for i in range(1, min(sections + 1, len(parts))):
        heading = parts[i].split("\n", 1)[0]
        parts[i] = f"{heading}\n\n{section_text(rng)}\n"
    path.write_text("\n## ".join(parts), encoding="utf-8")


def questions(count: int, seed: int = 0) -> list[str]:
    """`count` distinct questions, varied in wording and length."""
    rng = random.Random(f"questions-{seed}")
    seen: dict[str, None] = {}
    while len(seen) < count:
        body = _fill(rng.choice(QUESTION_BODIES), rng)
        text = rng.choice(QUESTION_STARTS) + body + rng.choice(QUESTION_ENDS)
        seen[_capitalize(text) if rng.random() < 0.5 else text] = None
    return list(seen)
