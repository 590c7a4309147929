"""Who is who between linked people: chosen display names and where to notify them.

Both live in each person's own encrypted settings, never in clear: the name a
practitioner chose with /name (never taken from their Telegram profile), and the
Telegram chat id the bot needs to notify them when something is shared or commented on.
A person with no chosen name is shown as "Supervisor 2" or "Supervisee 1", numbered in
the order the links were made.
"""

from __future__ import annotations

from storage.store import Store
from storage.text import normalise

NAME_KEY, CHAT_KEY = "display_name", "chat"
MAX_NAME = 40


class NameInputError(ValueError):
    """A display name that cannot be used; str() is one sentence."""


def clean_name(raw: str) -> str:
    """One line, at most 40 characters, something visible."""
    name = " ".join(normalise(raw).split())
    if not name:
        raise NameInputError("Send /name followed by the name your supervisors should see, "
                         "for example /name Sam (trainee).")
    if len(name) > MAX_NAME:
        raise NameInputError(f"Please keep the name to {MAX_NAME} characters or fewer.")
    return name


def set_name(store: Store, who: str, raw: str) -> str:
    name = clean_name(raw)
    settings = store.load_settings(who)
    store.save_settings(who, {**settings, NAME_KEY: name})
    return name


def name_of(store: Store, who: str) -> str | None:
    found = store.load_settings(who).get(NAME_KEY)
    return str(found) if found else None


def remember_chat(store: Store, who: str, chat_id: int) -> None:
    """Keep (encrypted) where to notify this person; writes only when it changed."""
    settings = store.load_settings(who)
    if settings.get(CHAT_KEY) != chat_id:
        store.save_settings(who, {**settings, CHAT_KEY: chat_id})


def chat_of(store: Store, who: str) -> int | None:
    found = store.load_settings(who).get(CHAT_KEY)
    return int(found) if isinstance(found, int) else None


def supervisors(store: Store, practitioner: str) -> list[tuple[str, str]]:
    """(pseudonym, display name) of the practitioner's supervisors, in link order."""
    links = store.supervision.supervisors(practitioner)
    return [(link.supervisor, name_of(store, link.supervisor) or f"Supervisor {n}")
            for n, link in enumerate(links, 1)]


def supervisees(store: Store, supervisor: str) -> list[tuple[str, str]]:
    """(pseudonym, display name) of the supervisor's supervisees, in link order."""
    links = store.supervision.supervisees(supervisor)
    return [(link.practitioner, name_of(store, link.practitioner) or f"Supervisee {n}")
            for n, link in enumerate(links, 1)]


def names_for(store: Store, who: str) -> dict[str, str]:
    """Every counterpart of `who` by pseudonym, with the name `who` sees them by."""
    return dict(supervisors(store, who) + supervisees(store, who))
