"""Regenerate the shipped faker name lists: `python -m storage.anonymiser.namelists`.

The anonymiser reads its first and last names from files in storage/data, derived from
faker's per-locale person providers, because importing those eighty-odd modules took
most of the half-second budget for the first anonymisation in a process.
"""

from __future__ import annotations

from pathlib import Path

from storage.anonymiser.lexicon import faker_names

_HEADER = """# {what} from every person provider of faker {version} (MIT licence), split into
# words, folded (lower case, accents removed), Latin script only. Regenerate with
# `python -m storage.anonymiser.namelists` after upgrading faker; reading this file is
# much faster than importing faker's eighty-odd locale modules at start-up.
"""


def regenerate(folder: Path) -> None:
    """Write anonymiser_faker_first.txt and anonymiser_faker_last.txt into `folder`."""
    import faker

    first, last = faker_names()
    for name, what, words in (("first", "First names", first), ("last", "Last names", last)):
        text = _HEADER.format(what=what, version=faker.VERSION) + "\n".join(sorted(words))
        (folder / f"anonymiser_faker_{name}.txt").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    regenerate(Path(__file__).resolve().parent.parent / "data")
