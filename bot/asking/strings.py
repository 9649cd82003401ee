"""Every piece of text a Home Pro sees from the asking feature, in English and in Spanish.

One place, so a wording change or a new language touches this file only; `strings(language)`
picks the set for a reply's language (English for anything else). The worker is spoken to
with *tú*, as the knowledge's Spanish answers do. Supervisor cards are not here: they stay in
the supervisors' language (`bot.escalation.messages`).

Templates: `{number}` is the emergency number from the settings; `{length}` and `{limit}`
are character counts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

ENGLISH, SPANISH = "en", "es"
T = TypeVar("T")


@dataclass(frozen=True)
class Strings:
    # Buttons (at most 75 characters each; Slack shows about 30 on a phone)
    show_guidance: str
    talk_to_supervisor: str
    help_now: str
    helpful: str
    not_helpful: str
    handover: str
    add_details: str
    # The answer
    say: str  # before the words to say to the client
    in_danger: str  # the middle band's opening line
    urgent_headline: str  # an emergency of no known kind
    do_this_now: str
    if_no_danger: str  # before the boundary advice under an urgent answer that is not sure
    alerted: str
    not_alerted: str  # urgent, but no escalation could be raised
    no_match: str
    next_steps: tuple[str, ...]
    next_steps_no_match: tuple[str, ...]
    next_steps_urgent: tuple[str, ...]
    # "Show the guidance"
    guidance_title: str  # modal title: at most 24 characters
    close: str
    guidance_in_english: str
    guidance_gone: str
    next_steps_label: str
    # Notices
    rate_limited: str
    empty: str
    too_long: str
    apology: str
    feedback_thanks: str
    photo_only: str
    help_raised: str
    help_already: str
    # Help and the App Home
    usage: str
    for_example: str
    examples: tuple[str, ...]
    help_now_prompt: str
    home_about: str
    home_how: str
    home_requests: str
    home_no_requests: str
    states: Mapping[str, str]  # an own request's state, by `bot.escalation.states.State` value
    claimed_by: str  # "{state} by {who}"


_EN = Strings(
    show_guidance="Show the guidance",
    talk_to_supervisor="Talk to a supervisor",
    help_now="I need help now",
    helpful="Helpful",
    not_helpful="Not helpful",
    handover="Ask for another team member to take over",
    add_details="Add details",
    say="Say:",
    in_danger=(
        "If you or your client are in danger right now, call {number}, then tap I need help now."
    ),
    urgent_headline="This sounds like a safety situation. Your safety comes first.",
    do_this_now="Do this now:",
    if_no_danger="If no one is in danger right now:",
    alerted="Your supervisors have been alerted and will get back to you.",
    not_alerted="Tap I need help now to alert your supervisors.",
    no_match=(
        "No guidance matched your question. Please talk to your supervisor, "
        "who can help with anything the guidance does not cover."
    ),
    next_steps=(
        "If it still feels unclear, talk to your supervisor before you act.",
        "If a boundary has already been crossed: seek guidance from your supervisor, set a clear, "
        "polite limit with the client, and ask for another team member to take over if needed.",
    ),
    next_steps_no_match=("Talk to your supervisor: they can answer what the guidance does not.",),
    next_steps_urgent=("Tell your supervisor what happened as soon as you are safe.",),
    guidance_title="The guidance",
    close="Close",
    guidance_in_english="",
    guidance_gone="That guidance is no longer in the knowledge. Ask again for the current advice.",
    next_steps_label="Next steps",
    rate_limited=(
        "You're asking faster than I can keep up with. Take a breath and try again in a minute. "
        "If this is urgent, call the office or your supervisor now."
    ),
    empty="Sorry, the question is empty; type what happened or what you want to know.",
    too_long=(
        "Sorry, the question is {length:,} characters long; the limit is {limit:,}, "
        "so shorten it and ask again."
    ),
    apology=(
        "Sorry, something went wrong on my side and I couldn't finish that. "
        "You can talk to a supervisor right away."
    ),
    feedback_thanks="Thanks for the feedback: it helps us improve the guidance.",
    photo_only=(
        "I got your photo, but I can't look at pictures. Tell me in words what is happening "
        "and I'll help."
    ),
    help_raised=(
        "Your supervisors have been alerted and will contact you right away. "
        "If you or your client are in danger, call {number} now."
    ),
    help_already=(
        "Your supervisors already know and will contact you. "
        "If you or your client are in danger, call {number} now."
    ),
    usage=(
        "Ask me about professional boundaries with customers and I'll answer from the "
        "company's guidance. Send me a direct message, or type `/boundary` and your question "
        "in any channel (only you will see the answer)."
    ),
    for_example="For example:",
    examples=(
        "A client offered me a $50 tip, can I take it?",
        "A customer keeps asking for my personal phone number. What do I say?",
        "The client asked me to look after their cat while they're away. Is that OK?",
    ),
    help_now_prompt=(
        "*In danger right now?* Call {number} if anyone is hurt or in danger, then tap "
        "I need help now: your supervisors are alerted at once."
    ),
    home_about=(
        "I help Home Pros with professional boundaries with customers: gifts and tips, favours, "
        "personal contact, money, flirting, safety. I answer from the company's guidance, and I "
        "can put you in touch with a supervisor in one click."
    ),
    home_how=(
        "*How to ask:* send me a direct message in the Messages tab, or type `/boundary` and "
        "your question in any channel (only you see the answer)."
    ),
    home_requests="Your recent requests",
    home_no_requests="You haven't asked for a supervisor yet.",
    states=MappingProxyType(
        {"open": "Open", "claimed": "Claimed", "resolved": "Resolved", "cancelled": "Cancelled"}
    ),
    claimed_by="{state} by {who}",
)

_ES = Strings(
    show_guidance="Ver la guía",
    talk_to_supervisor="Hablar con un supervisor",
    help_now="Necesito ayuda ya",
    helpful="Me sirvió",
    not_helpful="No me sirvió",
    handover="Pedir que otra persona del equipo siga",
    add_details="Agregar detalles",
    say="Dile:",
    in_danger=(
        "Si tú o tu cliente están en peligro ahora mismo, llama al {number} y luego toca "
        "Necesito ayuda ya."
    ),
    urgent_headline="Esto parece una situación de peligro. Tu seguridad es lo primero.",
    do_this_now="Haz esto ya:",
    if_no_danger="Si nadie está en peligro ahora:",
    alerted="Ya avisé a tus supervisores; te van a contactar.",
    not_alerted="Toca Necesito ayuda ya para avisar a tus supervisores.",
    no_match=(
        "No encontré nada en la guía sobre tu pregunta. Habla con tu supervisor: te puede "
        "ayudar con lo que la guía no cubre."
    ),
    next_steps=(
        "Si todavía no lo tienes claro, habla con tu supervisor antes de actuar.",
        "Si ya se cruzó un límite: pide consejo a tu supervisor, pon un límite claro y amable "
        "con el cliente, y pide que otra persona del equipo siga si hace falta.",
    ),
    next_steps_no_match=("Habla con tu supervisor: te puede responder lo que la guía no cubre.",),
    next_steps_urgent=("Cuéntale a tu supervisor lo que pasó en cuanto estés a salvo.",),
    guidance_title="La guía",
    close="Cerrar",
    guidance_in_english="La guía completa está en inglés.",
    guidance_gone="Esa guía ya no está en la base. Vuelve a preguntar para ver el consejo actual.",
    next_steps_label="Qué más hacer",
    rate_limited=(
        "Estás preguntando más rápido de lo que puedo responder. Respira y vuelve a intentarlo "
        "en un minuto. Si es urgente, llama ahora a la oficina o a tu supervisor."
    ),
    empty="Perdón, la pregunta está vacía; escribe qué pasó o qué quieres saber.",
    too_long=(
        "Perdón, la pregunta tiene {length} caracteres y el límite es {limit}; "
        "acórtala y vuelve a preguntar."
    ),
    apology=(
        "Perdón, algo falló de mi lado y no pude terminar. "
        "Puedes hablar con un supervisor ahora mismo."
    ),
    feedback_thanks="Gracias por decírmelo: nos ayuda a mejorar la guía.",
    photo_only=(
        "Recibí tu foto, pero no puedo ver imágenes. Cuéntame con palabras qué está pasando "
        "y te ayudo."
    ),
    help_raised=(
        "Ya avisé a tus supervisores y te van a contactar enseguida. "
        "Si tú o tu cliente están en peligro, llama al {number} ahora."
    ),
    help_already=(
        "Tus supervisores ya lo saben y te van a contactar. "
        "Si tú o tu cliente están en peligro, llama al {number} ahora."
    ),
    usage=(
        "Pregúntame sobre los límites profesionales con los clientes y te respondo con la guía "
        "de la empresa. Mándame un mensaje directo, o escribe `/boundary` y tu pregunta en "
        "cualquier canal (solo tú vas a ver la respuesta)."
    ),
    for_example="Por ejemplo:",
    examples=(
        "Un cliente me ofreció 50 dólares de propina, ¿los puedo aceptar?",
        "La señora me sigue pidiendo mi número de celular. ¿Qué le digo?",
        "El cliente me pidió que le cuide el gato mientras está de viaje. ¿Está bien?",
    ),
    help_now_prompt=(
        "*¿En peligro ahora mismo?* Llama al {number} si alguien está herido o en peligro, "
        "y luego toca Necesito ayuda ya: tus supervisores reciben el aviso al instante."
    ),
    home_about=(
        "Ayudo a los Home Pros con los límites profesionales con los clientes: regalos y "
        "propinas, favores, contacto personal, dinero, coqueteos, seguridad. Respondo con la "
        "guía de la empresa y te pongo en contacto con un supervisor con un clic."
    ),
    home_how=(
        "*Cómo preguntar:* mándame un mensaje directo en la pestaña Mensajes, o escribe "
        "`/boundary` y tu pregunta en cualquier canal (solo tú ves la respuesta)."
    ),
    home_requests="Tus solicitudes recientes",
    home_no_requests="Todavía no has pedido hablar con un supervisor.",
    states=MappingProxyType(
        {"open": "Abierta", "claimed": "Tomada", "resolved": "Resuelta", "cancelled": "Cancelada"}
    ),
    claimed_by="{state} por {who}",
)

LANGUAGES: tuple[str, ...] = (ENGLISH, SPANISH)


def by_language(english: T, spanish: T) -> Callable[[str], T]:
    """A feature's picker of its texts by language ("en", "es"); English for any other (or
    none). Every feature's `strings` is one, so they all choose alike."""
    table: Mapping[str, T] = MappingProxyType({ENGLISH: english, SPANISH: spanish})
    return lambda language: table.get(language, english)


strings = by_language(_EN, _ES)
