"""Mention injection and Block Kit limits, property-tested over arbitrary unicode.

Every message builder (answers, escalations, App Home), and the Advisor that feeds them, gets
hostile text wherever people or the knowledge pack supply text: questions, details, passages,
their doc and section names, takeaways, safety steps. Whatever comes in:

* no string anywhere in the payload carries `<` or `>` except the bot's own markup (`<@ID>`
  for ids it holds, `<!date^...>`, and the `>` that starts a quoted line), and every `&` is
  one of the three entities, so nothing can ping (`<!channel>`, `<!here>`, `<@U..>`,
  `<!subteam^..>`) or link (`<url|label>`);
* Slack's Block Kit limits hold, checked by hand and by slack_sdk's own models.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block as SdkBlock
from slack_sdk.models.views import View as SdkView

from bot.asking import messages as answers
from bot.asking.advisor import Advisor, Behind
from bot.asking.compose import compose
from bot.asking.help_now import HelpCall
from bot.asking.store import QuestionStore
from bot.checkins import home as checkin_home
from bot.checkins import messages as checkin_messages
from bot.checkins.states import State as CheckinState
from bot.checkins.store import Checkin
from bot.config import load_settings
from bot.escalation import messages
from bot.escalation.resolution import resolve_modal
from bot.escalation.service import Escalations
from bot.escalation.states import Kind, State
from bot.escalation.store import Escalation, EscalationStore
from bot.guidance.draft import Draft
from bot.guidance.gaps import Gap
from bot.guidance.messages import review_blocks, review_modal
from bot.guidance.service import Mode, Overview, Review
from bot.guidance.status import Status
from bot.guidance.store import Entry
from bot.home.view import OWN_LIMIT, QUEUE_LIMIT, home_view
from bot.slack.blocks import Message, notice
from bot.storage import Database
from index import Answer, Hit, Section
from tests.fakes import NOBODY, FakeEngine, echo_answer

EXAMPLES = 300
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- strategies ---------------------------------------------------------------------------
SPECIALS = (
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U123>",
    "<@U0ALICE>",
    "<!subteam^S1>",
    "<!subteam^S1|@team>",
    "<#C1>",
    "<#C1|general>",
    "<http://x|label>",
    "<https://evil.example>",
    "<mailto:a@b.c|mail>",
    "<!date^1^{date}|x>",
    "&",
    "&amp;",
    "&lt;",
    "&gt;",
    "&lt;!channel&gt;",
    "<",
    ">",
    "@here",
    "**bold**",
    "\n",
    "\n> ",
    "- ",
    " ",
    "\u2026",
)
hostile = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(SPECIALS), st.text(max_size=12)), max_size=30).map("".join),
)
# Long inputs too, so the limits (and clipping next to entities) are exercised.
hostile_long = st.one_of(
    hostile,
    st.builds(lambda s, n: (s or "<!here>&") * n, hostile, st.integers(1, 3000)),
)
slack_user = st.from_regex(r"[UW][A-Z0-9]{8,10}", fullmatch=True)
hex_id = st.uuids().map(lambda u: u.hex)


@st.composite
def passages(draw: st.DrawFn) -> Hit:
    passage = Section(
        id=draw(st.integers(0, 10_000)),
        doc=draw(hostile),
        section=draw(hostile),
        source=draw(hostile),
        path="f.md",
        scope="guidance",
        emergency=draw(st.none() | hostile),
        text=draw(hostile_long),
        answers={"en": draw(hostile)},
        says={"en": draw(hostile)},
        steps={"en": tuple(draw(st.lists(hostile, max_size=4)))},
    )
    return Hit(passage, 1.0, 0.8)


@st.composite
def replies(draw: st.DrawFn) -> Any:
    hits = draw(st.lists(passages(), max_size=6))
    urgent = draw(st.booleans())
    scope = draw(st.sampled_from(["guidance", "out", "conversation"]))
    route = draw(passages()).section if scope != "guidance" else None
    answer = Answer(
        question=draw(hostile),
        language=draw(st.sampled_from(["en", "es"])),
        confident=draw(st.booleans()) and bool(hits),
        urgent=urgent,
        unsure=draw(st.booleans()),
        danger=0.5,
        emergency=hits[0].section if urgent and hits else None,
        scope=scope,
        route=route,
        takeaway=draw(hostile_long),
        script=draw(hostile_long),
        hits=hits,
    )
    previous = draw(st.none() | passages().map(lambda hit: hit.section))
    return compose(answer, "911", previous)


@st.composite
def escalations(draw: st.DrawFn, state: State | None = None, home: bool = False) -> Escalation:
    """An escalation; `home`: without the details and citations the Home never shows."""
    return Escalation(
        id=draw(hex_id),
        asker=draw(slack_user),
        question=draw(hostile_long),
        kind=draw(st.sampled_from(Kind)),
        state=state or draw(st.sampled_from(State)),
        created_at=draw(st.floats(0, 4_000_000_000)),
        citations=() if home else tuple(draw(st.lists(hostile, max_size=8))),
        details=() if home else tuple(draw(st.lists(hostile_long, max_size=8))),
        claimed_by=draw(slack_user),
        closed_by=draw(slack_user),
        advice="" if home else draw(st.one_of(st.just(""), hostile_long)),
    )


@st.composite
def checkins(draw: st.DrawFn, state: CheckinState | None = None) -> Checkin:
    return Checkin(
        id=draw(hex_id),
        user_id=draw(slack_user),
        note=draw(hostile_long),
        minutes=draw(st.integers(1, 720)),
        state=state or draw(st.sampled_from(CheckinState)),
        created_at=draw(st.floats(0, 4_000_000_000)),
        due_at=draw(st.floats(0, 4_000_000_000)),
    )


# --- the properties -----------------------------------------------------------------------
OWN_MARKUP = re.compile(
    r"<@[UW][A-Z0-9]{8,10}>"  # a mention of an id the bot holds (asker, supervisor)
    r"|<!date\^\d+\^\{date_short_pretty\} (?:at|a las) \{time\}\|[\d: -]+UTC>"  # slack_date
)
ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")


def strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a payload, with where it sits (keys and values alike)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key, f"{path}.<key>")
            yield from strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, f"{path}[{index}]")


def assert_inert(payload: Any, own_ids: set[str]) -> None:
    """No `<`, `>` or bare `&` but the bot's own markup, in any string of the payload."""
    for where, text in strings(payload):
        for token in OWN_MARKUP.findall(text):
            if token.startswith("<@"):
                assert token[2:-1] in own_ids, (where, token, text)
        rest = OWN_MARKUP.sub("", text)
        rest = "\n".join(line.removeprefix(">") for line in rest.split("\n"))  # quote marker
        assert "<" not in rest and ">" not in rest, (where, text)
        assert not ENTITY.search(rest), (where, text)


def assert_block_limits(items: list[dict[str, Any]], ids: set[str]) -> None:
    for block in items:
        assert len(block.get("block_id", "")) <= 255
        if block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= 3000
        if block["type"] == "header":
            assert 0 < len(block["text"]["text"]) <= 150
        if block["type"] == "context":
            assert 0 < len(block["elements"]) <= 10
            assert all(len(e["text"]) <= 3000 for e in block["elements"])
        if block["type"] == "actions":
            elements = block["elements"]
            assert 0 < len(elements) <= 25
            action_ids = [e["action_id"] for e in elements]
            assert len(set(action_ids)) == len(action_ids)  # unique within the block
            for element in elements:
                assert element["type"] == "button"
                assert 0 < len(element["text"]["text"]) <= 75
                assert 0 < len(element["action_id"]) <= 255
                if "value" in element:  # an id the bot made, never user text
                    assert 0 < len(element["value"]) <= 2000
                    assert element["value"] in ids, element
        parsed = SdkBlock.parse(block)  # slack_sdk's own validators agree
        assert parsed is not None, block
        parsed.validate_json()


def check_message(message: Message, ids: set[str], own_ids: set[str]) -> None:
    payload = message.kwargs()
    assert payload["text"].strip()  # the notification / screen-reader fallback
    assert len(payload["text"]) <= 40_000
    assert 0 < len(payload["blocks"]) <= 50
    assert_block_limits(payload["blocks"], ids)
    assert_inert(payload, own_ids)


def escalation_ids(escalation: Escalation) -> tuple[set[str], set[str]]:
    assert escalation.claimed_by and escalation.closed_by
    return {escalation.id}, {escalation.asker, escalation.claimed_by, escalation.closed_by}


# --- answers ------------------------------------------------------------------------------
@PROPERTY
@given(reply=replies(), question_id=hex_id, escalation_id=st.one_of(st.none(), hex_id))
def test_answer_is_inert_and_within_limits(reply: Any, question_id: str, escalation_id) -> None:
    message = answers.answer(reply, question_id, escalation_id=escalation_id)
    check_message(message, {question_id, escalation_id}, set())


@PROPERTY
@given(reply=replies(), question_id=hex_id)
def test_answer_fits_a_phone_screen_before_its_buttons(reply: Any, question_id: str) -> None:
    blocks = answers.answer(reply, question_id).blocks
    first = next(i for i, block in enumerate(blocks) if block["type"] == "actions")
    seen = [e["text"] for b in blocks[:first] for e in [b.get("text"), *b.get("elements", [])] if e]
    if reply.shape != "urgent":  # urgent: the steps lead, however long they are
        assert sum(len(text) for text in seen) <= answers.PHONE_SCREEN


@PROPERTY
@given(
    sections=st.lists(passages().map(lambda hit: hit.section), max_size=5),
    language=st.sampled_from(["en", "es", ""]),
    urgent=st.booleans(),
    mine=st.booleans(),
)
def test_guidance_modal_is_inert_and_within_limits(
    sections: list[Section], language: str, urgent: bool, mine: bool
) -> None:
    behind = Behind(language, urgent, tuple(sections)) if mine else None
    modal = answers.guidance_modal(behind, language)
    assert 0 < len(modal["blocks"]) <= 100 and len(modal["title"]["text"]) <= 24
    assert_block_limits(modal["blocks"], set())
    assert_inert(modal, set())
    SdkView(**modal).validate_json()


@PROPERTY
@given(
    escalation_id=st.one_of(st.none(), hex_id),
    raised=st.booleans(),
    language=st.sampled_from(["en", "es"]),
)
def test_help_now_notice_is_inert(escalation_id: str | None, raised: bool, language: str) -> None:
    message = answers.help_sent(HelpCall(raised, escalation_id, language), "911")
    check_message(message, {escalation_id or ""}, set())


@PROPERTY
@given(text=hostile_long, question_id=st.one_of(st.just(""), hex_id))
def test_notices_usage_and_apology_are_inert(text: str, question_id: str) -> None:
    from bot.slack.text import safe

    check_message(notice(safe(f"Sorry, {text}.", 500)), set(), set())
    check_message(answers.apology(question_id), {question_id}, set())
    check_message(answers.usage("en", "911"), set(), set())
    check_message(answers.usage("es", "911"), set(), set())


# --- escalations --------------------------------------------------------------------------
BUILDERS = {
    "escalation_sent": messages.escalation_sent,
    "supervisor_card": messages.supervisor_card,
    "reminder": lambda escalation: messages.reminder(escalation, 15),
    "claimed_notice": messages.claimed_notice,
    "group_intro": messages.group_intro,
    "resolved_notice": messages.resolved_notice,
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_escalation_messages_are_inert_and_within_limits(name: str) -> None:
    build = BUILDERS[name]

    @PROPERTY
    @given(escalation=escalations())
    def check(escalation: Escalation) -> None:
        check_message(build(escalation), *escalation_ids(escalation))

    check()


@PROPERTY
@given(escalation=escalations(), minutes=st.floats(0.01, 10_000))
def test_reminder_any_period_is_inert(escalation: Escalation, minutes: float) -> None:
    check_message(messages.reminder(escalation, minutes), *escalation_ids(escalation))


@PROPERTY
@given(
    escalation=escalations(),
    minutes=st.floats(0.01, 10_000),
    step=st.integers(1, 1000),
    oncall=st.lists(slack_user, max_size=12),
)
def test_the_ladders_messages_are_inert(
    escalation: Escalation, minutes: float, step: int, oncall: list[str]
) -> None:
    """Reminders mention the on-call people (the bot's own mentions) and nobody else."""
    ids, own = escalation_ids(escalation)
    check_message(messages.reminder(escalation, minutes, step, oncall), ids, own | set(oncall))
    for marker in ("backup:", "oncall:"):
        check_message(messages.backup_card(escalation, minutes, marker + escalation.id), ids, own)
    for language in ("en", "es"):
        check_message(messages.alerted_notice(escalation, "911", language), ids, own)
        check_message(messages.still_trying_notice(escalation, "112", language), ids, own)


@PROPERTY
@given(checkin=checkins(), grace=st.floats(0.01, 600), replaced=st.booleans())
def test_checkin_messages_are_inert(checkin: Checkin, grace: float, replaced: bool) -> None:
    for language in ("en", "es"):
        check_message(checkin_messages.prompt(checkin, grace, language), {checkin.id}, set())
        started = checkin_messages.started(checkin, replaced, grace, language)
        check_message(started, {checkin.id}, set())
        SdkView(**checkin_messages.start_modal(language)).validate_json()


@PROPERTY
@given(
    user=slack_user,
    own=st.one_of(st.none(), checkins(CheckinState.ACTIVE), checkins(CheckinState.DUE)),
    overdue=st.lists(
        st.one_of(checkins(CheckinState.DUE), checkins(CheckinState.MISSED)), max_size=12
    ),
    queue=st.lists(escalations(State.OPEN, True), max_size=24),
)
def test_home_with_checkins_is_inert_and_within_limits(
    user: str, own: Checkin | None, overdue: list[Checkin], queue: list[Escalation]
) -> None:
    """A supervisor's Home at its fullest: own check-in, the overdue list, the whole queue."""
    panels = checkin_home.own_panel(own) + checkin_home.overdue_panel(
        overdue[: checkin_home.OVERDUE_LIMIT]
    )
    view = home_view([], queue[:QUEUE_LIMIT], panels)
    ids = {"start"} | {c.id for c in [own, *overdue] if c} | {e.id for e in queue}
    mentioned = {user} | {c.user_id for c in overdue} | {e.asker for e in queue}
    assert 0 < len(view["blocks"]) <= 100
    assert_block_limits(view["blocks"], ids)
    assert_inert(view, mentioned)
    SdkView(**view).validate_json()


def test_details_modal_carries_the_id_only() -> None:
    for language in ("en", "es"):
        modal = messages.details_modal("e" * 32, language)
        assert modal["private_metadata"] == "e" * 32
        SdkView(**modal).validate_json()


@PROPERTY
@given(escalation=escalations())
def test_resolve_modal_is_inert_and_within_limits(escalation: Escalation) -> None:
    modal = resolve_modal(escalation)
    assert modal["private_metadata"] == escalation.id
    assert_inert(modal["blocks"][0], set())  # the question; the rest is the bot's own words
    SdkView(**modal).validate_json()


# --- guidance -----------------------------------------------------------------------------
drafts = st.builds(
    Draft,
    question=hostile_long,
    title=hostile_long,
    answer=hostile_long,
    say=hostile_long,
    text=hostile_long,
    examples=st.lists(hostile, max_size=5).map(tuple),
)


@st.composite
def entries(draw: st.DrawFn, status: Status) -> Entry:
    return Entry(
        id=draw(hex_id),
        status=status,
        created_at=draw(st.floats(0, 4_000_000_000)),
        draft=draw(st.one_of(st.none(), drafts)) if status is Status.PENDING else draw(drafts),
        asked=draw(hostile_long),
        advice=draw(hostile_long),
        suggested_by=draw(slack_user),
        reviewed_by=draw(slack_user),
        reviewed_at=draw(st.floats(0, 4_000_000_000)),
        path=draw(hostile),
    )


gaps = st.builds(
    Gap,
    question_ids=st.lists(hex_id, min_size=1, max_size=3).map(tuple),
    wording=hostile_long,
    lead=hex_id,
    no_match=st.integers(0, 3),
    not_helpful=st.integers(0, 3),
    escalated=st.integers(0, 3),
    last_asked=st.floats(0, 4_000_000_000),
)


@PROPERTY
@given(
    pending=st.lists(entries(Status.PENDING), max_size=5),
    approved=st.lists(entries(Status.APPROVED), max_size=5),
    gap_list=st.one_of(st.none(), st.lists(gaps, max_size=6)),
    more=st.integers(0, 1000),
)
def test_review_part_of_the_home_is_inert_and_within_limits(
    pending: list[Entry], approved: list[Entry], gap_list: list[Gap] | None, more: int
) -> None:
    overview = Overview(pending, len(pending) + more, gap_list, approved, len(approved) + more)
    blocks = review_blocks(overview)
    listed = pending + approved
    ids = {e.id for e in listed} | {g.lead for g in gap_list or []}
    people = {u for e in listed for u in (e.suggested_by, e.reviewed_by or "")}
    assert len(blocks) <= 35
    assert_block_limits([b for b in blocks if "accessory" not in b], ids)
    assert all(b["accessory"]["value"] in ids for b in blocks if "accessory" in b)
    assert_inert(blocks, people)
    SdkView(type="home", blocks=blocks).validate_json()


@PROPERTY
@given(draft=drafts, mode=st.sampled_from(Mode), ref=hex_id)
def test_review_modal_is_within_limits_and_carries_ids_only(
    draft: Draft, mode: Mode, ref: str
) -> None:
    modal = review_modal(Review(mode, ref, draft))
    assert modal["private_metadata"] == f"{mode}:{ref}"
    assert_inert(modal["blocks"][0], set())  # the only mrkdwn: the bot's own note
    SdkView(**modal).validate_json()


# --- App Home -----------------------------------------------------------------------------
@PROPERTY
@given(
    user=slack_user,
    own=st.lists(escalations(home=True), max_size=7),
    queue=st.lists(
        st.one_of(escalations(State.OPEN, True), escalations(State.CLAIMED, True)), max_size=24
    ),
    supervisor=st.booleans(),
)
def test_home_view_is_inert_and_within_limits(
    user: str, own: list[Escalation], queue: list[Escalation], supervisor: bool
) -> None:
    # What the refresher reads: at most OWN_LIMIT and QUEUE_LIMIT, the queue for supervisors.
    view = home_view(own[:OWN_LIMIT], queue[:QUEUE_LIMIT] if supervisor else None)
    ids = {e.id for e in own + queue}
    own_ids = {user} | {u for e in own + queue for u in (e.asker, e.claimed_by or "")}
    assert view["type"] == "home" and 0 < len(view["blocks"]) <= 100
    assert_block_limits(view["blocks"], ids)
    assert_inert(view, own_ids)
    SdkView(**view).validate_json()


# --- the whole asking path ----------------------------------------------------------------
@pytest.fixture(scope="module")
def advisor(tmp_path_factory: pytest.TempPathFactory) -> Advisor:
    data = tmp_path_factory.mktemp("advisor")
    app_settings = load_settings(
        {"BOUNDARY_DATA_DIR": str(data), "RATE_LIMIT_PER_MINUTE": "1000000"}
    )
    database = Database(Path(data))
    questions = QuestionStore(database)
    escalations = Escalations(EscalationStore(database), questions, NOBODY, lambda: None)
    return Advisor(FakeEngine(echo_answer), questions, escalations, app_settings)


def test_advisor_replies_are_inert_whatever_is_asked(advisor: Advisor) -> None:
    """Slack sends `&`, `<`, `>` as entities; the Advisor unescapes them for the engine, and
    whatever comes back (here the question itself, as passage, citation and takeaway) is
    escaped again on the way out: help, refusals, answers and urgent answers alike."""

    @PROPERTY
    @given(text=hostile_long, entities=st.booleans())
    def check(text: str, entities: bool) -> None:
        sent = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        outcome = advisor.ask("U0ASKER01", "D0ASKER01", "dm", sent if entities else text)
        message = answers.render(outcome, "911")
        db = advisor.questions.database.db
        ids = {r["id"] for r in db.query("SELECT id FROM questions")}
        ids |= {r["id"] for r in db.query("SELECT id FROM escalations")}
        check_message(message, ids, set())

    check()
