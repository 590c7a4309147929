"""The anonymiser on phone-typed notes: lower case, no full stops, shorthand, and the
identifiers practitioners name in passing (initials, handles, references, ordinals)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage.anonymiser import anonymise, detect

CORPUS = Path(__file__).parent / "data" / "anonymiser_corpus.jsonl"


def covered(text: str, fragment: str) -> bool:
    start = text.index(fragment)
    return any(f.start <= start and start + len(fragment) <= f.end for f in detect(text))


@pytest.mark.parametrize(("text", "fragment"), [
    ("saw kelechi today, he's sleeping at his cousin's in peckham", "kelechi"),
    ("saw kelechi today, he's sleeping at his cousin's in peckham", "peckham"),
    ("chloe-anne 15 disclosed sexting w older lad connor", "chloe-anne"),
    ("xiao ming intl student, parents pay fees", "xiao ming"),
    ("oisín started at trinity in sept, homesick", "oisín"),
    ("grace said her sister hope is using again", "grace"),
    ("efua is pregnant and scared to tell her dad", "efua"),
    ("amir 19 student, suicidal after breakup", "amir"),
    ("nkechi told her teacher mr hughes about the cutting", "hughes"),
    ("halima told dr o'brien she feels unsafe", "o'brien"),
    ("client wei intl student at ucl, visa worry", "ucl"),
    ("fatima wont go back to al-noor mosque", "al-noor mosque"),
    ("mikey 14 vaping at st joseph's and selling", "st joseph's"),
    ("her landlord at 14 cedar road comes in", "14 cedar road"),
    ("M. said her dad is back in the house.", "M."),
    ("kerry-ann told j. she'd report it", "j."),
    ("Client goes by kira_b99 online.", "kira_b99"),
    ("his insta is danny.k.official and he posts the kids", "danny.k.official"),
    ("His prison number is A4521BK now.", "A4521BK"),
    ("PC 4471 attended the house.", "4471"),
    ("The neighbour at number 41 has been shouting.", "41"),
    ("she hasnt eaten properly since the 3rd", "the 3rd"),
    ("roxanne last tues 14th said ty strangled her", "last tues 14th"),
    ("appt 4/2 w dev, he's moving", "4/2"),
    ("She works for Marks and Spencer in Leicester.", "Marks and Spencer"),
    ("Harriet Cook said the manager sacked her.", "Harriet Cook"),
    ("Tavita (the client) disclosed it.", "Tavita"),
])
def test_phone_typed_identifier_is_found(text: str, fragment: str) -> None:
    assert covered(text, fragment)


@pytest.mark.parametrize(("text", "kept"), [
    ("Reading back over my notes, I missed it.", "Reading back"),
    ("Bath time is when it gets rough.", "Bath time"),
    ("She is on Universal Credit and Citizens Advice are helping.", "Universal Credit"),
    ("I rang the Forced Marriage Unit this morning.", "Forced Marriage Unit"),
    ("Recorded it on RiO but not SystmOne.", "SystmOne"),
    ("He carries Narcan now.", "Narcan"),
    ("She lives in a town in Kent.", "Kent"),
    ("mood 3/10 today, better than last wk", "3/10"),
    ("the 3rd time she cancelled", "3rd time"),
    ("took 500mg at 10pm", "10pm"),
    ("tbh worried abt her, ngl", "tbh worried abt"),
    ("We went with plan B. It worked.", "plan B."),
    ("she was walking down the road", "the road"),
    ("kayla's fundraiser is obviously tied to it", "fundraiser"),
])
def test_ordinary_words_in_phone_typed_notes_survive(text: str, kept: str) -> None:
    assert kept in anonymise(text).text


def _scores(split: str) -> tuple[float, float]:
    rows = [json.loads(ln) for ln in CORPUS.read_text(encoding="utf-8").splitlines()]
    hits = total = kept = keeps = 0
    for row in (r for r in rows if r["split"] == split):
        result = anonymise(row["text"])
        for span in row["spans"]:
            total += 1
            hits += any(f.start <= span["start"] and span["end"] <= f.end for f in result.found)
        keeps += len(row["keep"])
        kept += sum(term in result.text for term in row["keep"])
    return hits / total, kept / keeps


def test_corpus_has_600_texts_a_third_short_lower_case_notes() -> None:
    rows = [json.loads(ln) for ln in CORPUS.read_text(encoding="utf-8").splitlines()]
    notes = [r for r in rows if r["text"] == r["text"].lower() and len(r["text"]) < 120]
    assert len(rows) >= 600 and len(notes) * 3 >= len(rows)
    assert sum(r["split"] == "holdout3" for r in rows) >= 150


def test_phone_typed_dev_split_recall_and_keep() -> None:
    recall, keep = _scores("dev2")
    assert recall >= 0.88
    assert keep >= 0.97


def test_shipped_name_lists_hold_names_of_many_origins_and_no_english_words() -> None:
    from storage.anonymiser.lexicon import lexicon

    lex = lexicon()
    assert {"siobhan", "przemyslaw", "oluwaseun", "wei", "simran", "kwesi"} <= lex.first_names
    assert {"okafor", "nowak", "nguyen"} <= lex.last_names
    assert {"reading", "grace", "cook"} <= lex.english and "emma" not in lex.english


def test_every_finding_on_the_corpus_has_a_public_kind_and_offsets_into_the_text() -> None:
    from storage.anonymiser import KIND_NAMES
    from storage.text import normalise

    rows = [json.loads(ln) for ln in CORPUS.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        text = normalise(row["text"])
        for finding in anonymise(row["text"]).found:
            assert finding.kind in KIND_NAMES and finding.kind != "REMOVED"
            assert 0 <= finding.start < finding.end <= len(text)
