"""Everything check-ins say to the worker, in English and in Spanish, in one place so a wording
change or a new language touches this file only (`bot.checkins.messages` and
`bot.checkins.home` build the Block Kit around these). `strings(language)` picks the set for
the worker's language (English for anything else), as `bot.asking.strings` does; the worker
is spoken to with *tú*.

Texts are mrkdwn. `{placeholders}` are filled with numbers, dates and ids the bot made, and
`{note}` with the worker's own note, escaped first. What supervisors read stays in
`bot.checkins.messages`, `bot.checkins.home` and `bot.checkins.alerts`, in English.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.asking.strings import by_language


@dataclass(frozen=True)
class Strings:
    # `/boundary checkin ...` and its one-line replies to bad input
    usage: str
    bad_minutes: str
    note_too_long: str
    nothing_running: str
    # Started
    started: str
    replaced: str
    note: str
    end_button: str  # buttons: at most 75 characters
    # "Are you OK?" and its buttons
    prompt: str
    prompt_fallback: str
    prompt_grace: str
    ok_button: str
    extend_button: str
    help_button: str
    # What each answer gets back
    ok_done: str
    extended: str
    ended: str
    help_sent: str
    late_ok: str
    already_alerted: str
    already_over: str
    not_yet: str
    not_yours: str
    # App Home
    home_header: str  # a header: at most 150 characters
    home_running: str
    home_due: str
    home_none: str
    start_button: str
    # The "Start a check-in" modal (title, submit and close: at most 24 characters each)
    modal_title: str
    modal_submit: str
    modal_close: str
    modal_minutes: str
    modal_note: str
    modal_note_hint: str
    # `{due}` is a date Slack shows in each reader's language and time zone, joined to its
    # time by this word ("today at 3:30 PM", "hoy a las 15:30")
    date_at: str


_EN = Strings(
    usage=(
        "To start a visit check-in: `/boundary checkin MINUTES note`, e.g. "
        "`/boundary checkin 90 Mrs Lee, 12 Oak St` (1 to {max_minutes} minutes; the note is "
        "optional). To end it: `/boundary checkin end`."
    ),
    bad_minutes=(
        "A check-in needs a whole number of minutes from 1 to {max_minutes} (12 hours), e.g. "
        "`/boundary checkin 90 Mrs Lee`."
    ),
    note_too_long="Please keep the note under {max_note} characters; no check-in was started.",
    nothing_running="You have no check-in running.",
    started=(
        ":stopwatch: Check-in set. At {due} I'll ask if you're OK; if you don't answer within "
        "{grace:g} minutes, I'll alert the supervisors."
    ),
    replaced="It replaces the check-in you had running.",
    note="*Your note* (only you see it, unless you miss the check-in):\n{note}",
    end_button="End check-in",
    prompt=":wave: *Are you OK?* Your visit check-in is due.",
    prompt_fallback="Are you OK? Your visit check-in is due.",
    prompt_grace="If you don't answer within {grace:g} minutes, I'll alert the supervisors.",
    ok_button="I'm OK",
    extend_button="Add {minutes} minutes",
    help_button="I need help now",
    ok_done=":white_check_mark: Glad you're OK. Your check-in is closed.",
    extended=":stopwatch: OK, I'll check on you again at {due}.",
    ended="Check-in ended. Stay safe.",
    help_sent=(
        ":rotating_light: I've alerted the supervisors and I'll tell you here as soon as "
        "someone takes it. *If you are in danger, call {number} now.*"
    ),
    late_ok=(
        "Thanks. Your check-in had already gone to the supervisors, so I've told them you're "
        "OK. They may still contact you."
    ),
    already_alerted=(
        "The supervisors already know about this check-in and will contact you. If you are in "
        "danger, call {number} now."
    ),
    already_over="That check-in is already over.",
    not_yet="Your check-in is still running: I'll ask if you're OK at {due}.",
    not_yours="That check-in isn't yours.",
    home_header="Visit check-in",
    home_running=":stopwatch: Check-in running: I'll ask if you're OK at {due}.",
    home_due=":wave: Your check-in is due: please answer *Are you OK?* in our messages.",
    home_none=(
        "Going somewhere new? Start a check-in and I'll ask if you're OK when it's due. If you "
        "don't answer, I alert the supervisors. You can also type `/boundary checkin 90 note`."
    ),
    start_button="Start a check-in",
    modal_title="Visit check-in",
    modal_submit="Start",
    modal_close="Cancel",
    modal_minutes="Check on me in (minutes)",
    modal_note="Note (optional)",
    modal_note_hint=(
        "For example the client's first name or the address. Only you see it, unless you miss "
        "the check-in: then your supervisors do."
    ),
    date_at="at",
)

_ES = Strings(
    usage=(
        "Para empezar un check-in de visita: `/boundary checkin MINUTOS nota`, por ejemplo "
        "`/boundary checkin 90 Sra. Lee, 12 Oak St` (de 1 a {max_minutes} minutos; la nota es "
        "opcional). Para terminarlo: `/boundary checkin end`."
    ),
    bad_minutes=(
        "Un check-in necesita un número entero de minutos de 1 a {max_minutes} (12 horas), "
        "por ejemplo `/boundary checkin 90 Sra. Lee`."
    ),
    note_too_long=(
        "La nota debe tener menos de {max_note} caracteres; no se empezó ningún check-in."
    ),
    nothing_running="No tienes ningún check-in activo.",
    started=(
        ":stopwatch: Check-in listo. Te pregunto si estás bien {due}; si no respondes en "
        "{grace:g} minutos, aviso a los supervisores."
    ),
    replaced="Reemplaza el check-in que tenías activo.",
    note="*Tu nota* (solo tú la ves, a menos que no respondas al check-in):\n{note}",
    end_button="Terminar check-in",
    prompt=":wave: *¿Estás bien?* Llegó la hora de tu check-in de visita.",
    prompt_fallback="¿Estás bien? Llegó la hora de tu check-in de visita.",
    prompt_grace="Si no respondes en {grace:g} minutos, aviso a los supervisores.",
    ok_button="Estoy bien",
    extend_button="{minutes} minutos más",
    help_button="Necesito ayuda ya",
    ok_done=":white_check_mark: Qué bueno que estás bien. Tu check-in quedó cerrado.",
    extended=":stopwatch: Muy bien, te vuelvo a preguntar {due}.",
    ended="Check-in terminado. Cuídate.",
    help_sent=(
        ":rotating_light: Ya avisé a los supervisores y te digo aquí en cuanto alguien lo tome. "
        "*Si estás en peligro, llama al {number} ahora.*"
    ),
    late_ok=(
        "Gracias. Tu check-in ya había llegado a los supervisores, así que les avisé que estás "
        "bien. Puede que igual te contacten."
    ),
    already_alerted=(
        "Los supervisores ya saben de este check-in y te van a contactar. Si estás en peligro, "
        "llama al {number} ahora."
    ),
    already_over="Ese check-in ya terminó.",
    not_yet="Tu check-in sigue activo: te pregunto si estás bien {due}.",
    not_yours="Ese check-in no es tuyo.",
    home_header="Check-in de visita",
    home_running=":stopwatch: Check-in activo: te pregunto si estás bien {due}.",
    home_due=(":wave: Llegó la hora de tu check-in: responde *¿Estás bien?* en nuestros mensajes."),
    home_none=(
        "¿Vas a un lugar nuevo? Empieza un check-in y te pregunto si estás bien a la hora que "
        "digas. Si no respondes, aviso a los supervisores. También puedes escribir "
        "`/boundary checkin 90 nota`."
    ),
    start_button="Empezar un check-in",
    modal_title="Check-in de visita",
    modal_submit="Empezar",
    modal_close="Cancelar",
    modal_minutes="Pregúntame en (minutos)",
    modal_note="Nota (opcional)",
    modal_note_hint=(
        "Por ejemplo el nombre del cliente o la dirección. Solo tú la ves, a menos que no "
        "respondas al check-in: entonces la ven tus supervisores."
    ),
    date_at="a las",
)

strings = by_language(_EN, _ES)
