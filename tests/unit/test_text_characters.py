"""Typed text refuses control, bidirectional-override and invisible characters, naming the field and the character."""

from __future__ import annotations

import types
import typing
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from shared.services.blue_badge.domain.application import Application
from shared.core.domain.formats import Lines, OneLine, refused_character
from shared.services.blue_badge.domain.reply import INPUT_FOR_FIELD, REPLY_ITEMS, read_answers
from shared.core.logic.casework import NoteInput
from shared.services.blue_badge.logic.decisions import DecisionInput, PaymentInput, ProofCheckInput, RequestedItem
from shared.services.blue_badge.logic.information import merge_patch
from shared.services.blue_badge.logic.replacement import ReplaceBadgeInput
from tests.factories import complete_application

C0 = [chr(code) for code in range(0x00, 0x20)]
DEL_AND_C1 = [chr(code) for code in range(0x7F, 0xA0)]
BIDI = ["\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))]
INVISIBLE = [*map(chr, range(0x200B, 0x200E)), "\u2028", "\u2029", *map(chr, range(0x2060, 0x2065)), "\ufeff"]
REFUSED_ANYWHERE = [character for character in C0 + DEL_AND_C1 + BIDI + INVISIBLE if character not in "\n\r\t"]

# Text as people type it: letters, digits, punctuation, spaces, accents, other scripts; no controls, no format
# characters, no line or paragraph separators, no surrogates.
TYPED = st.text(st.characters(exclude_categories=("Cc", "Cf", "Cs", "Zl", "Zp")), min_size=1, max_size=60)


def code_of(character: str) -> str:
    return f"U+{ord(character):04X}"


def surname_problem(surname: str) -> str | None:
    try:
        Application.model_validate(complete_application(holder__surname=surname))
    except ValidationError as error:
        return {".".join(map(str, problem["loc"])): problem["msg"] for problem in error.errors()}.get("holder.surname")
    return None


@pytest.mark.parametrize("character", REFUSED_ANYWHERE + ["\n", "\r", "\t"], ids=code_of)
def test_a_name_refuses_each_character_naming_it(character):
    problem = surname_problem(f"Love{character}lace")
    assert problem is not None and code_of(character) in problem


def test_the_messages_say_what_kind_of_character_was_found():
    assert surname_problem("Love\x07lace") == "contains a control character (U+0007) — remove it"
    assert surname_problem("Love\nlace") == "contains a line break or tab (U+000A) — this field takes a single line"
    assert surname_problem("\u202eecalevoL") == (
        "contains a bidirectional text control (U+202E RIGHT-TO-LEFT OVERRIDE), which can disguise text — remove it")
    assert surname_problem("Love\u200blace") == "contains an invisible character (U+200B ZERO WIDTH SPACE) — remove it"


@given(before=TYPED, after=TYPED, character=st.sampled_from(REFUSED_ANYWHERE))
def test_one_refused_character_anywhere_in_typed_text_is_found_and_named(before, after, character):
    for multi_line in (False, True):
        problem = refused_character(before + character + after, multi_line=multi_line)
        assert problem is not None and code_of(character) in problem


@given(text=TYPED)
def test_text_as_people_type_it_is_taken_as_it_is(text):
    assert refused_character(text, multi_line=False) is None
    assert refused_character(text, multi_line=True) is None


@given(lines=st.lists(TYPED, min_size=2, max_size=5), ending=st.sampled_from(["\n", "\r\n"]))
def test_long_text_takes_lines_ending_in_lf_or_crlf_and_tabs(lines, ending):
    assert refused_character(ending.join(lines) + "\tend", multi_line=True) is None
    assert refused_character(ending.join(lines), multi_line=False) is not None


def test_long_text_refuses_a_carriage_return_that_ends_no_line():
    notes = ProofCheckInput.model_validate  # a LongText field
    assert notes({"expected_version": 1, "confirmed": True, "notes": "Letter seen\r\nPage 2\ttoo"}).notes == "Letter seen\r\nPage 2\ttoo"
    with pytest.raises(ValidationError) as caught:
        notes({"expected_version": 1, "confirmed": True, "notes": "Letter seen\rPage 2"})
    assert caught.value.errors()[0]["loc"] == ("notes",) and "U+000D" in caught.value.errors()[0]["msg"]


@pytest.mark.parametrize(("model", "data", "field"), [
    (NoteInput, {"text": "Called the applicant\u2066 back"}, "text"),
    (DecisionInput, {"expected_version": 1, "outcome": "REFUSE", "reasons": ["Fine", "You can walk\x1b[2J"]}, "reasons.1"),
    (PaymentInput, {"expected_version": 1, "amount_pence": 1000, "reference": "PAY-1", "method": "card\x00"}, "method"),
    (ReplaceBadgeInput, {"reason": "STOLE", "crime_reference": "CR/1\u202e/26"}, "crime_reference"),
    (RequestedItem, {"code": "PHOTO", "note": "Your face\ufeff must show"}, "note"),
])
def test_every_kind_of_request_names_the_field(model, data, field):
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    [problem] = caught.value.errors()
    assert ".".join(map(str, problem["loc"])) == field and problem["type"] == "text_character"


def test_an_applicants_typed_answer_is_refused_at_the_input_that_holds_it():
    """The reply page's answers become a merge patch of the application; its check names the field, which the page
    shows at the input (shared/services/blue_badge/logic/reply.py)."""
    answers = read_answers([REPLY_ITEMS[code] for code in REPLY_ITEMS if code.value == "HOLDER_NAME"],
                           {"forenames": "Ada", "surname": "Love\u202elace"}, date(2026, 11, 23))
    assert answers.errors == {}
    with pytest.raises(ValidationError) as caught:
        Application.model_validate(merge_patch(complete_application(), answers.changes))
    [problem] = caught.value.errors()
    assert INPUT_FOR_FIELD[".".join(map(str, problem["loc"]))] == "surname" and "U+202E" in problem["msg"]


# ------------------------------------------------------------------------------------ every request model is covered
def _request_models() -> set[type[BaseModel]]:
    """The body models of every API route: the pages and the reply link send the same models (or an Application)."""
    from functions.api import handler

    models = set()
    for route in handler.app._static_routes + handler.app._dynamic_routes:  # Powertools keeps no public list of routes
        parameters = {name: hint for name, hint in typing.get_type_hints(route.func, include_extras=True).items() if name != "return"}
        for hint in parameters.values():
            models |= {kind for kind in _types_in(hint) if isinstance(kind, type) and issubclass(kind, BaseModel)}
    return models


def _types_in(annotation: object) -> list[object]:
    """The types an annotation is made of: Optional, unions, lists and Annotated unwrapped."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _types_in(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, list, tuple, set):
        return [kind for argument in typing.get_args(annotation) for kind in _types_in(argument)]
    return [annotation]


def _plain_strings(annotation: object, metadata: list) -> list[str]:
    """Where in `annotation` a str has neither a character check nor a pattern; '' for the field itself."""
    if typing.get_origin(annotation) is typing.Annotated:
        inner, *more = typing.get_args(annotation)
        return _plain_strings(inner, metadata + [item for extra in more for item in getattr(extra, "metadata", [extra])])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, list, tuple, set):
        return [where for argument in typing.get_args(annotation) for where in _plain_strings(argument, metadata)]
    if annotation is str:
        checked = any(item in (OneLine, Lines) or getattr(item, "pattern", None) for item in metadata)
        return [] if checked else [""]
    return []


def _unchecked_fields(model: type[BaseModel], seen: set[type[BaseModel]]) -> list[str]:
    if model in seen:
        return []
    seen.add(model)
    unchecked = []
    for name, info in model.model_fields.items():
        assert isinstance(info, FieldInfo)
        if _plain_strings(info.annotation, list(info.metadata)):
            unchecked.append(f"{model.__name__}.{name}")
        for kind in _types_in(info.annotation):
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                unchecked += _unchecked_fields(kind, seen)
    return unchecked


def test_every_string_a_request_carries_is_checked_for_these_characters():
    models = _request_models()
    assert {Application, NoteInput, DecisionInput, ReplaceBadgeInput} <= models  # the discovery finds the routes' bodies
    seen: set[type[BaseModel]] = set()
    assert [field for model in sorted(models, key=lambda m: m.__name__) for field in _unchecked_fields(model, seen)] == []
