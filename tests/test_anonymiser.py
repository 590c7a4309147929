"""The anonymiser: recognisers, numbering, extra terms, offsets and corpus-level quality."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.anonymiser import KIND_NAMES, Anonymiser, Finding, anonymise, detect
from storage.anonymiser.patterns import nhs_number_is_valid

CORPUS = Path(__file__).parent / "data" / "anonymiser_corpus.jsonl"


def kinds_of(text: str, fragment: str) -> set[str]:
    """Kinds of the findings that cover `fragment` in `text`."""
    start = text.index(fragment)
    end = start + len(fragment)
    return {f.kind for f in detect(text) if f.start <= start and end <= f.end}


@pytest.mark.parametrize(("text", "fragment", "kind"), [
    ("Email me at sam.lee@example.co.uk today.", "sam.lee@example.co.uk", "EMAIL"),
    ("Her page is https://example.org/u/abc now.", "https://example.org/u/abc", "URL"),
    ("He posts as @night_owl_99 on there.", "@night_owl_99", "HANDLE"),
    ("Ring her on 07700 900461 tonight.", "07700 900461", "PHONE"),
    ("His cell is (415) 555-0142 he said.", "(415) 555-0142", "PHONE"),
    ("She called from +33 6 12 34 56 78 in a panic.", "+33 6 12 34 56 78", "PHONE"),
    ("NI number QQ 12 34 56 C on the form.", "QQ 12 34 56 C", "ID"),
    ("Her SSN is 512-44-9081 apparently.", "512-44-9081", "ID"),
    ("The case ref 2023/4471 was given.", "2023/4471", "ID"),
    ("Quote ref: AB-12345 in letters.", "AB-12345", "ID"),
    ("She lives in Leicester LE2 7HQ now.", "LE2 7HQ", "POSTCODE"),
    ("Springfield, IL 62704 was the address.", "62704", "POSTCODE"),
    ("The car was KX19 LBN, a red one.", "KX19 LBN", "VEHICLE"),
    ("His plate 7XYZ123 was seen.", "7XYZ123", "VEHICLE"),
    ("DOB 14/02/2009 on the letter.", "14/02/2009", "DATE"),
    ("It happened on 3rd March 2022 at home.", "3rd March 2022", "DATE"),
    ("She was born on May 19, 2001 in Leeds.", "May 19, 2001", "DATE"),
    ("Logged on 2024-01-08 by the duty worker.", "2024-01-08", "DATE"),
    ("They met at 42 Wellington Road last week.", "42 Wellington Road", "ADDRESS"),
    ("My client Siobhan is struggling.", "Siobhan", "PERSON"),
    ("Przemysław said he was fine.", "Przemysław", "PERSON"),
    ("I have been seeing Zhang Wei since June.", "Zhang Wei", "PERSON"),
    ("The letter came from Mr Okafor yesterday.", "Mr Okafor", "PERSON"),
    ("She said Will had threatened her.", "Will", "PERSON"),
    ("my client jane said it was fine", "jane", "PERSON"),
    ("He goes to St Mary's Primary near us.", "St Mary's Primary", "ORG"),
    ("Her GP is at Riverside Medical Centre now.", "Riverside Medical Centre", "ORG"),
    ("He works at Tesco on Saturdays.", "Tesco", "ORG"),
    ("He moved to Swindon last year.", "Swindon", "PLACE"),
])
def test_recogniser_finds_identifier_of_expected_kind(text: str, fragment: str,
                                                      kind: str) -> None:
    assert kind in kinds_of(text, fragment)


@pytest.mark.parametrize("text", [
    "Her mum and her partner both spoke to the GP and the psychiatrist.",
    "The social worker and my supervisor discussed safeguarding and self-harm.",
    "She phoned the Samaritans, then CAMHS, then went to A&E with the police.",
    "The Crown Prosecution Service and the court both asked about Prevent.",
    "Under the Terrorism Act 2000 and the Children Act 1989 s.47 I may need to act.",
    "We used Gibbs, Caldicott and Gillick in supervision.",
    "She is aged 15, a 15-year-old, and it was a Monday around Christmas.",
    "Easter and Ramadan fell close together, in April.",
    "Honestly I think the BACP, UKCP and HCPC would all agree.",
])
def test_ordinary_practice_words_survive(text: str) -> None:
    assert anonymise(text).text == text


@pytest.mark.parametrize(("number", "valid"), [
    ("9434765919", True), ("4010232137", True), ("4505577104", True),
    ("9434765918", False), ("1234567890", False), ("123456789", False),
])
def test_nhs_check_digit(number: str, valid: bool) -> None:
    assert nhs_number_is_valid(number) is valid


def test_valid_nhs_number_is_redacted_as_id() -> None:
    found = detect("Her number is 943 476 5919 on the letter.")
    assert [f.kind for f in found] == ["ID"]


def test_invalid_ten_digit_number_after_nhs_cue_is_still_removed() -> None:
    text = "NHS number 943 476 5918 was on the form."
    assert "5918" not in anonymise(text).text


def test_same_person_keeps_one_number_across_calls() -> None:
    anon = Anonymiser()
    first = anon.redact("Mr Okafor rang the surgery and Siobhan answered.")
    second = anon.redact("Okafor then spoke to siobhan again.")
    assert first.text == "[PERSON 1] rang the surgery and [PERSON 2] answered."
    assert second.text == "[PERSON 1] then spoke to [PERSON 2] again."


def test_fresh_anonymise_calls_restart_numbering() -> None:
    assert anonymise("Ngozi met Kwame.").text == "[PERSON 1] met [PERSON 2]."
    assert anonymise("Kwame met Ngozi.").text == "[PERSON 1] met [PERSON 2]."


def test_extra_terms_are_removed_case_insensitively() -> None:
    result = Anonymiser().redact("The blue door on the estate; Blue Door again.", ["blue door"])
    assert result.text == "The [REMOVED] on the estate; [REMOVED] again."
    assert {f.kind for f in result.found} == {"REMOVED"}


def test_extra_term_that_is_a_known_name_keeps_its_person_number() -> None:
    anon = Anonymiser()
    anon.redact("Siobhan is my client.")
    assert anon.redact("then siobhan left", ["Siobhan"]).text == "then [PERSON 1] left"


def test_found_offsets_point_into_the_original_text() -> None:
    text = "Siobhan (DOB 14/02/2009) emailed sio@example.com from Leeds."
    result = anonymise(text)
    pieces = [text[f.start:f.end] for f in result.found]
    assert pieces == ["Siobhan", "14/02/2009", "sio@example.com", "Leeds"]
    assert all(isinstance(f, Finding) and f.placeholder in result.text for f in result.found)


def test_every_kind_has_plain_words_for_a_warning() -> None:
    kinds = {"PERSON", "PLACE", "ORG", "DATE", "PHONE", "EMAIL", "ID", "ADDRESS", "POSTCODE",
             "URL", "HANDLE", "VEHICLE"}
    assert kinds <= KIND_NAMES.keys()


def _rebuild(text: str, redacted: str, found: tuple[Finding, ...]) -> str:
    """Rebuild the redacted text from the original and the findings."""
    out, cursor = [], 0
    for f in found:
        out.extend((text[cursor:f.start], f.placeholder))
        cursor = f.end
    out.append(text[cursor:])
    return "".join(out)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_redact_never_crashes_and_replaces_exactly_what_it_found(text: str) -> None:
    result = anonymise(text)
    assert _rebuild(text, result.text, result.found) == result.text
    assert all(a.end <= b.start for a, b in zip(result.found, result.found[1:], strict=False))


NAMES = ["Siobhan", "Oluwaseun", "Przemysław", "Aoife", "Kwame", "Ngozi", "Tomasz", "Priya"]
FILLER = ["said", "that", "her mum", "was", "worried", "about", "the GP", "and", "today"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(NAMES + FILLER), min_size=2, max_size=12))
def test_output_never_contains_a_detected_name(words: list[str]) -> None:
    text = "I think " + " ".join(words) + "."
    result = anonymise(text)
    for f in result.found:
        assert text[f.start:f.end] not in result.text


def _corpus_scores(split: str) -> tuple[float, float]:
    rows = [json.loads(ln) for ln in CORPUS.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r["split"] == split]
    hits = total = kept = keeps = 0
    for row in rows:
        result = anonymise(row["text"])
        ranges = [(f.start, f.end) for f in result.found]
        for span in row["spans"]:
            total += 1
            hits += all(any(s <= i < e for s, e in ranges)
                        for i in range(span["start"], span["end"]))
        keeps += len(row["keep"])
        kept += sum(term in result.text for term in row["keep"])
    return hits / total, kept / keeps


def test_corpus_is_big_enough_and_labelled() -> None:
    rows = [json.loads(ln) for ln in CORPUS.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 220
    for row in rows:
        for span in row["spans"]:
            assert row["text"][span["start"]:span["end"]] == span["text"]


@pytest.mark.parametrize("split", ["dev", "holdout"])
def test_corpus_recall_and_keep_rate(split: str) -> None:
    recall, keep = _corpus_scores(split)
    assert recall >= 0.93
    assert keep >= 0.93
