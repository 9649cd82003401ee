"""Block Kit for guidance: the review modal (approve, edit, write) and the supervisors' part of
the App Home (suggestions, gaps, approved guidance).

All user text passes through `bot.slack.text.safe`; button values and `private_metadata`
carry ids only.
"""

from __future__ import annotations

from typing import Any

from bot.guidance import actions as ids
from bot.guidance.draft import (
    MAX_ANSWER,
    MAX_EXAMPLE,
    MAX_EXAMPLES,
    MAX_QUESTION,
    MAX_SAY,
    MAX_TEXT,
    MAX_TITLE,
    Draft,
    Field,
    example_lines,
)
from bot.guidance.gaps import GAP_DAYS, Gap
from bot.guidance.markdown import FOLDER
from bot.guidance.service import Mode, Overview, Review
from bot.guidance.store import Entry
from bot.slack.blocks import (
    Block,
    actions,
    button,
    context,
    divider,
    header,
    quote,
    section,
    slack_date,
)
from bot.slack.text import safe

TITLES = {
    Mode.APPROVE: ("Approve guidance", "Approve"),
    Mode.SAVE: ("Edit suggestion", "Save"),
    Mode.EDIT: ("Edit guidance", "Save"),
    Mode.WRITE: ("Write guidance", "Publish"),
}
NAMES_FIRST = (
    ":lock: *First, take out names and details.* Edit the question, and anything below, so "
    "that nothing identifies the asker or the client: no names, addresses, phone numbers, "
    "workplaces or descriptions. Approved guidance joins the knowledge every Home Pro's "
    "answers come from."
)
NO_SUGGESTIONS = (
    "No suggestions waiting. Tick \u201cSuggest this as guidance\u201d when you resolve a "
    "request, and it comes here for review."
)
WHERE = (
    f"Approving writes one Markdown file to `{FOLDER}/` in the knowledge folder; the bot "
    "answers with it within seconds. Admins review and commit it with the rest of the knowledge."
)


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


# --- the review modal -----------------------------------------------------------------------
def review_modal(review: Review) -> dict[str, Any]:
    title, submit = TITLES[review.mode]
    draft = review.draft
    note = NAMES_FIRST
    if review.mode is Mode.SAVE:
        note += " Saving keeps it waiting for approval."
    return {
        "type": "modal",
        "callback_id": ids.REVIEW_CALLBACK,
        "private_metadata": f"{review.mode}:{review.ref}",
        "title": _plain(title),
        "submit": _plain(submit),
        "close": _plain("Cancel"),
        "blocks": [
            section(note),
            _input(
                Field.QUESTION,
                "The question, as a Home Pro would ask it",
                draft.question,
                MAX_QUESTION,
                multiline=True,
            ),
            _input(
                Field.TITLE,
                "Title: the situation in a few words",
                draft.title,
                MAX_TITLE,
                placeholder="A client asks you to pray with them",
            ),
            _input(
                Field.ANSWER,
                "Answer: what to do, in a sentence or two",
                draft.answer,
                MAX_ANSWER,
                multiline=True,
            ),
            _input(
                Field.SAY,
                "Words to say (optional)",
                draft.say,
                MAX_SAY,
                optional=True,
                placeholder="\u201cThank you for asking. I keep my visits to the work.\u201d",
            ),
            _input(
                Field.TEXT,
                "Guidance: the fuller explanation (optional)",
                draft.text,
                MAX_TEXT,
                multiline=True,
                optional=True,
            ),
            _input(
                Field.EXAMPLES,
                f"Other ways Home Pros might ask, one per line (up to {MAX_EXAMPLES})",
                "\n".join(draft.examples),
                MAX_EXAMPLES * (MAX_EXAMPLE + 1),
                multiline=True,
                optional=True,
            ),
            context(WHERE),
        ],
    }


def _input(
    field: Field,
    label: str,
    value: str,
    limit: int,
    *,
    multiline: bool = False,
    optional: bool = False,
    placeholder: str = "",
) -> Block:
    element: Block = {
        "type": "plain_text_input",
        "action_id": ids.INPUT,
        "multiline": multiline,
        "max_length": min(limit, 3000),
    }
    if value:  # Slack refuses an empty initial_value
        element["initial_value"] = value[: element["max_length"]]
    if placeholder:
        element["placeholder"] = _plain(placeholder)
    return {
        "type": "input",
        "block_id": field.value,
        "label": _plain(label),
        "optional": optional,
        "element": element,
    }


def read_review(view: dict[str, Any]) -> tuple[Mode, str, Draft] | None:
    """(mode, ref, draft) from a submitted review modal; None if its metadata is not ours."""
    mode, _, ref = (view.get("private_metadata") or "").partition(":")
    if mode not in {m.value for m in Mode} or not ref:
        return None
    values = (view.get("state") or {}).get("values") or {}

    def value(field: Field) -> str:
        return ((values.get(field.value) or {}).get(ids.INPUT) or {}).get("value") or ""

    draft = Draft(
        question=value(Field.QUESTION),
        title=value(Field.TITLE),
        answer=value(Field.ANSWER),
        say=value(Field.SAY),
        text=value(Field.TEXT),
        examples=example_lines(value(Field.EXAMPLES)),
    )
    return Mode(mode), ref, draft


# --- the App Home ---------------------------------------------------------------------------
def review_blocks(overview: Overview) -> list[Block]:
    """Suggestions with Approve / Edit / Discard, the gaps with Write guidance, and approved
    guidance with Edit / Retract: at most 35 blocks, for the Home's 100."""
    blocks = [divider(), header(f"Suggested guidance ({overview.pending_total})")]
    for entry in overview.pending:
        blocks += _suggestion(entry)
    if not overview.pending:
        blocks.append(context(NO_SUGGESTIONS))
    blocks += _more(overview.pending_total - len(overview.pending))

    blocks += [divider(), header(f"Gaps in the guidance (last {GAP_DAYS} days)")]
    if overview.gaps is None:
        blocks.append(context("The gaps can't be worked out right now; try again later."))
    elif not overview.gaps:
        blocks.append(context("No gaps: every recent question found its guidance. :tada:"))
    blocks += [_gap(gap) for gap in overview.gaps or []]

    blocks += [divider(), header(f"Approved guidance ({overview.approved_total})")]
    for entry in overview.approved:
        blocks += _approved(entry)
    if not overview.approved:
        blocks.append(context(f"None yet. Approved guidance goes to `{FOLDER}/` in the knowledge."))
    blocks += _more(overview.approved_total - len(overview.approved))
    return blocks


def _suggestion(entry: Entry) -> list[Block]:
    draft = entry.current
    edited = " \u00b7 _edited_" if entry.draft else ""
    text = (
        f"*Suggested by <@{entry.suggested_by}>* \u00b7 {slack_date(entry.created_at)}{edited}\n"
        f"*Question:*\n{quote(safe(draft.question, 500))}\n"
        f"*Answer:*\n{quote(safe(draft.answer, 700))}"
    )
    return [
        section(text),
        actions(
            button("Approve", ids.APPROVE, entry.id, "primary"),
            button("Edit", ids.EDIT, entry.id),
            _confirmed(
                button("Discard", ids.DISCARD, entry.id, "danger"),
                "Discard this suggestion?",
                "It will not become guidance. The question shows among the gaps again.",
                "Discard",
            ),
        ),
    ]


def _gap(gap: Gap) -> Block:
    signs = [
        f"{n} {what}"
        for n, what in (
            (gap.no_match, "no match"),
            (gap.not_helpful, "not helpful"),
            (gap.escalated, "escalated"),
        )
        if n
    ]
    times = "once" if gap.count == 1 else f"{gap.count} times"
    text = f"*Asked {times}* \u00b7 {', '.join(signs)}\n{quote(safe(gap.wording, 500))}"
    return {**section(text), "accessory": button("Write guidance", ids.WRITE, gap.lead)}


def _approved(entry: Entry) -> list[Block]:
    draft = entry.draft or entry.current
    when = slack_date(entry.reviewed_at or entry.created_at)
    text = (
        f"*{safe(draft.title, 200)}* \u00b7 approved by <@{entry.reviewed_by}> {when}\n"
        f"{quote(safe(draft.answer, 500))}\n`{safe(entry.path, 200)}` in the knowledge folder"
    )
    return [
        section(text),
        actions(
            button("Edit", ids.EDIT_APPROVED, entry.id),
            _confirmed(
                button("Retract", ids.RETRACT, entry.id, "danger"),
                "Retract this guidance?",
                "Its file is removed from the knowledge folder and the bot stops using it "
                "within seconds.",
                "Retract",
            ),
        ),
    ]


def _more(count: int) -> list[Block]:
    return [context(f"\u2026and {count} more.")] if count > 0 else []


def _confirmed(element: Block, title: str, text: str, confirm: str) -> Block:
    """A button that asks before it acts."""
    return {
        **element,
        "confirm": {
            "title": _plain(title),
            "text": _plain(text),
            "confirm": _plain(confirm),
            "deny": _plain("Cancel"),
            "style": "danger",
        },
    }
