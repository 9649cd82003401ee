"""Everything the escalation feature says to the person who asked for help, in English and in
Spanish, in one place so a wording change or a new language touches this file only
(`bot.escalation.messages` builds the Block Kit around these). `strings(language)` picks the
set for the escalation's language (English for anything else), as `bot.asking.strings` does;
the worker is spoken to with *tú*.

Texts are mrkdwn; `{placeholders}` are filled with Slack ids and numbers the bot made, never
with user text. What supervisors read stays in `bot.escalation.messages`, in English.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.asking.strings import by_language


@dataclass(frozen=True)
class Strings:
    # The asker's confirmation, with its buttons (at most 75 characters each)
    sent: str  # "{who}": one of the two below
    who_supervisor: str
    who_handover: str
    add_details: str
    cancel_request: str
    # Replies to the asker's own clicks
    cancelled: str
    details_added: str
    not_asker_escalate: str
    not_asker_cancel: str
    not_asker_details: str
    gone: str
    question_gone: str
    closed: str
    # The "Add details" modal (title, submit and close: at most 24 characters each)
    details_title: str
    details_label: str
    details_submit: str
    details_close: str
    details_empty: str
    # Where things stand, delivered by the outbox
    alerted: str
    alerted_missed_checkin: str
    still_trying: str
    claimed: str
    group_intro: str
    group_details: str
    resolved: str
    helpful: str
    not_helpful: str
    their_advice: str


_EN = Strings(
    sent="Done: I've asked {who}. You'll hear here as soon as someone picks it up.",
    who_supervisor="a supervisor",
    who_handover="another team member to take over",
    add_details="Add details",
    cancel_request="Cancel request",
    cancelled="Cancelled. The supervisors can see you withdrew it.",
    details_added="Thanks, I've added that for the supervisors.",
    not_asker_escalate="Only the person who asked can escalate this.",
    not_asker_cancel="You can only cancel your own requests.",
    not_asker_details="You can only add details to your own requests.",
    gone="That escalation no longer exists.",
    question_gone="That question is no longer on record.",
    closed="That request is already closed.",
    details_title="Add details",
    details_label="What should the supervisor know?",
    details_submit="Add",
    details_close="Cancel",
    details_empty="Please write something first.",
    alerted=(
        ":bell: I've alerted the supervisors and I'll tell you here as soon as someone takes "
        "it. If you are in danger, call {number} now."
    ),
    alerted_missed_checkin=(
        ":bell: You didn't answer your check-in, so I've alerted the supervisors. If you are in "
        "danger, call {number} now. If you're OK, you can still tap *I'm OK* on the check-in."
    ),
    still_trying=(
        ":hourglass_flowing_sand: Nobody has taken your request yet. I'm still trying to reach "
        "someone. *If you are in danger, call {number} now.*"
    ),
    claimed=(
        ":raising_hand: <@{supervisor}> is on it and will message you in a group chat with me."
    ),
    group_intro=(
        "<@{asker}> asked for help and <@{supervisor}> is taking it from here. The question was:"
    ),
    group_details="*Details added:*",
    resolved="<@{supervisor}> marked your request as resolved. Did it help?",
    helpful="Helpful",
    not_helpful="Not helpful",
    their_advice="Their advice:",
)

_ES = Strings(
    sent="Listo: le pedí ayuda a {who}. Te aviso aquí en cuanto alguien la tome.",
    who_supervisor="un(a) supervisor(a)",
    who_handover="otra persona del equipo para que siga",
    add_details="Agregar detalles",
    cancel_request="Cancelar solicitud",
    cancelled="Cancelada. Los supervisores pueden ver que la retiraste.",
    details_added="Gracias, ya se lo agregué a los supervisores.",
    not_asker_escalate="Solo la persona que preguntó puede pedir ayuda con esto.",
    not_asker_cancel="Solo puedes cancelar tus propias solicitudes.",
    not_asker_details="Solo puedes agregar detalles a tus propias solicitudes.",
    gone="Esa solicitud ya no existe.",
    question_gone="Esa pregunta ya no está registrada.",
    closed="Esa solicitud ya está cerrada.",
    details_title="Agregar detalles",
    details_label="¿Qué debe saber tu supervisor(a)?",
    details_submit="Agregar",
    details_close="Cancelar",
    details_empty="Primero escribe algo, por favor.",
    alerted=(
        ":bell: Ya avisé a los supervisores y te digo aquí en cuanto alguien lo tome. "
        "Si estás en peligro, llama al {number} ahora."
    ),
    alerted_missed_checkin=(
        ":bell: No respondiste a tu check-in, así que avisé a los supervisores. Si estás en "
        "peligro, llama al {number} ahora. Si estás bien, todavía puedes tocar *Estoy bien* "
        "en el check-in."
    ),
    still_trying=(
        ":hourglass_flowing_sand: Nadie ha tomado tu solicitud todavía. Sigo tratando de "
        "contactar a alguien. *Si estás en peligro, llama al {number} ahora.*"
    ),
    claimed=(
        ":raising_hand: <@{supervisor}> se está encargando y te va a escribir en un chat de "
        "grupo conmigo."
    ),
    group_intro=(
        "<@{asker}> pidió ayuda y <@{supervisor}> se encarga a partir de ahora. La pregunta fue:"
    ),
    group_details="*Detalles agregados:*",
    resolved="<@{supervisor}> marcó tu solicitud como resuelta. ¿Te sirvió?",
    helpful="Me sirvió",
    not_helpful="No me sirvió",
    their_advice="Su consejo:",
)

strings = by_language(_EN, _ES)
