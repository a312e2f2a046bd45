"""The column names of Zoom's participant report, in each interface language, old and new.

Zoom writes the participant table's header in the language of the web portal that exported it,
and renamed several columns when its reports page was redesigned (2023): Spanish "Hora de
entrada" became "Hora para unirse", Portuguese "Hora de entrada" became "Ingressar na hora" (both
machine translations of "Join time"), and the e-mail column went from "Correo electrónico del
usuario" to "E-mail del usuario". Both generations are still found in archives, so both are read.

Each name carries the date order its interface writes (English: month first; Spanish, Portuguese
and French: day first), or None when the name is shared by interfaces that write dates
differently ("Email"). That is the hint the report's dates are read with (bot/zoom/report.py).
"""

from __future__ import annotations

import unicodedata

MDY, DMY, YMD = "mdy", "dmy", "ymd"
DATE_ORDERS = (DMY, MDY, YMD)

# column -> the names Zoom gives it, each with the date order of the interface that writes it.
HEADERS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "name": (
        ("Name (Original Name)", MDY),
        ("Name", MDY),
        ("Participant", MDY),
        ("Nombre (nombre original)", DMY),
        ("Nombre", DMY),
        ("Nome (nome original)", DMY),
        ("Nome", DMY),
        ("Nom (nom d'origine)", DMY),
        ("Nom (nom original)", DMY),
        ("Nom", DMY),
    ),
    "email": (
        ("User Email", MDY),
        ("Email", None),
        ("E-mail", None),
        ("Correo electrónico del usuario", DMY),
        ("E-mail del usuario", DMY),
        ("Correo electrónico", DMY),
        ("E-mail do usuário", DMY),
        ("Email do usuário", DMY),
        ("E-mail de l'utilisateur", DMY),
        ("Adresse e-mail", DMY),
    ),
    "join": (
        ("Join Time", MDY),
        ("Hora para unirse", DMY),
        ("Hora de entrada", DMY),  # Spanish and Portuguese, before 2023
        ("Hora de unión", DMY),
        ("Horario de entrada", DMY),
        ("Ingressar na hora", DMY),
        ("Heure d'arrivée", DMY),
        ("Heure de connexion", DMY),
        ("Heure pour rejoindre", DMY),
    ),
    "leave": (
        ("Leave Time", MDY),
        ("Hora de salida", DMY),
        ("Hora para salir", DMY),
        ("Sair na hora", DMY),
        ("Hora de saída", DMY),
        ("Heure de départ", DMY),
        ("Heure pour quitter", DMY),
    ),
    "duration": (
        ("Duration (Minutes)", MDY),
        ("Duración (minutos)", DMY),
        ("Duração (minutos)", DMY),
        ("Durée (minutes)", DMY),
    ),
    "waiting": (
        ("In Waiting Room", MDY),
        ("En la sala de espera", DMY),
        ("Na sala de espera", DMY),
        ("Dans la salle d'attente", DMY),
    ),
}
# The summary block's meeting-number column (old and new reports, each interface language): a
# report of another meeting than --zoom-id names is refused, not imported under that number.
MEETING_ID = frozenset(
    {
        "meeting id",
        "id de reunion",
        "id de la reunion",
        "id da reuniao",
        "id de reunion zoom",
        "id de la reunion zoom",
    }
)
REQUIRED = ("name", "join")
# "Yes" in the waiting-room column: that row is time spent waiting to be let in, not in the call.
YES = frozenset({"yes", "si", "sim", "oui", "true", "1"})


def key(text: str) -> str:
    """A header or cell compared without case, accents, curly apostrophes or extra spaces."""
    text = text.replace("\ufeff", "").replace("\u2019", "'").replace("\u2018", "'")
    bare = unicodedata.normalize("NFKD", " ".join(text.split()).lower())
    return "".join(ch for ch in bare if not unicodedata.combining(ch))


_KNOWN: dict[str, dict[str, str | None]] = {
    column: {key(label): order for label, order in names} for column, names in HEADERS.items()
}


def find_columns(row: list[str]) -> dict[str, int] | None:
    """Where each column is in this row, if it is a participant table's header (it names a person
    and a join time); None otherwise (a summary block's header, a data row)."""
    keys = [key(cell) for cell in row]
    found = {
        column: next((i for i, k in enumerate(keys) if k in known), -1)
        for column, known in _KNOWN.items()
    }
    return found if all(found[c] >= 0 for c in REQUIRED) else None


def date_order_hint(row: list[str], columns: dict[str, int]) -> str | None:
    """The date order of the interface that wrote this header: the one every named column agrees
    on, or None when they disagree (a header put together by hand from two languages)."""
    orders = {_KNOWN[c].get(key(row[i])) for c, i in columns.items() if i >= 0}
    orders.discard(None)
    return orders.pop() if len(orders) == 1 else None


def accepted(column: str) -> str:
    """The names read for a column, for the message refusing a file without them."""
    return ", ".join(f'"{label}"' for label, _ in HEADERS[column])
