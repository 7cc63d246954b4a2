"""The engine's words that learner pages show, in Spanish when they are given the language:
module statuses and what a locked module or quiz waits for, the question types' instructions
and feedback lines, the learner's charts (titles, takeaways, tables) and a poll's result. In
English by default, as the trainer's pages and the records keep them."""

from __future__ import annotations

import functools
import json

import pytest

from course import charts
from course.i18n import gettext_for, quoted
from course.poll_charts import poll_description, poll_tally_table
from course.progress import IN_PROGRESS, LOCKED, PASSED_STATUS, ModuleProgress
from tests.unit.test_question_types import MULTIPLE, ORDERING, SINGLE, TRUE_FALSE

es = functools.partial(gettext_for, "es")


def module(status: str, **kw) -> ModuleProgress:
    fields = dict(
        module_id="history",
        title="Historia",
        status=status,
        estimated_minutes=10,
        sections_seen=2,
        sections_total=5,
        attempts=1,
        best_percent=90.0,
        latest_percent=90.0,
        resume_step="overview",
        locked_by=(),
        locked_titles=(),
    )
    return ModuleProgress(**{**fields, **kw})


def test_a_module_status_is_in_spanish_when_asked_and_in_english_for_records():
    passed = module(PASSED_STATUS)
    assert passed.shown_label("es") == "Aprobado"
    assert passed.label == passed.shown_label() == "Passed"


def test_a_locked_module_says_which_quizzes_open_it_with_the_right_number():
    one = module(LOCKED, locked_by=("history",), locked_titles=("Historia",))
    two = module(LOCKED, locked_by=("a", "b"), locked_titles=("Uno", "Dos"))
    # Names in Spanish quotation marks, as the catalogue's own sentences use them.
    assert one.locked_reason("es") == "Este módulo se abre cuando usted apruebe la prueba de «Historia»."
    assert two.locked_reason("es") == "Este módulo se abre cuando usted apruebe las pruebas de «Uno», «Dos»."
    assert one.locked_reason() == "This module opens when you pass the quiz for “Historia”."


def test_what_a_quiz_still_waits_for_is_counted_in_spanish():
    waiting = module(
        IN_PROGRESS,
        quiz_waits_for=(("section", "s", "Sección"), ("scenario", "c", "Caso")),
        scenarios_done=0,
        scenarios_total=1,
    )
    assert waiting.still_to_do("es") == "2 de 5 secciones leídas, 0 de 1 caso práctico completado"
    assert waiting.still_to_do() == "2 of 5 sections read, 0 of 1 practice scenario played"


def test_each_question_type_says_what_answer_it_wants_in_spanish():
    assert [q.prompt_and_instruction(es)[1] for q in (SINGLE, MULTIPLE, TRUE_FALSE, ORDERING)] == [
        "Elija una respuesta.",
        "Elija todas las que correspondan.",
        "Elija Verdadero o Falso.",
        "Dé a cada elemento su lugar en el orden: 1 es el primero.",
    ]


def test_a_translated_prompt_ending_with_the_spanish_instruction_shows_it_once():
    prompt = MULTIPLE.model_copy(update={"prompt": "¿Qué partes tiene? Elija todas las que correspondan."})
    assert prompt.prompt_and_instruction(es) == ("¿Qué partes tiene?", "Elija todas las que correspondan.")


def test_feedback_lines_and_the_true_false_words_are_in_spanish():
    wrong = TRUE_FALSE.grade(not TRUE_FALSE.answer)
    (line,) = TRUE_FALSE.feedback_parts(wrong, es)
    assert line.startswith(f"- Usted eligió «{'Falso' if TRUE_FALSE.answer else 'Verdadero'}»: ")
    assert TRUE_FALSE.shown_answer(wrong, es) == ("Verdadero" if TRUE_FALSE.answer else "Falso")
    assert TRUE_FALSE.shown_answer(wrong) == ("True" if TRUE_FALSE.answer else "False")
    missed = MULTIPLE.grade([MULTIPLE.answer[0]]) if len(MULTIPLE.answer) > 1 else MULTIPLE.grade([])
    assert any("Usted no eligió «" in part or "Usted eligió «" in part for part in MULTIPLE.feedback_parts(missed, es))
    (order, _lines) = ORDERING.feedback_parts(ORDERING.grade(list(reversed(ORDERING.answer))), es)
    text = {o.id: o.text for o in ORDERING.options}
    assert order == "Su orden: " + " → ".join(f"“{text[i]}”" for i in reversed(ORDERING.answer))


@pytest.mark.parametrize(
    ("build", "said"),
    [
        (lambda lang: charts.progress_chart([("Historia", "Passed", 90.0)], lang=lang), "Usted aprobó 1 de 1 módulos."),
        (
            lambda lang: charts.module_status_chart([("Historia", "In progress", None)], lang=lang),
            "Usted aprobó 0 de 1 módulos; 1 en curso.",
        ),
        (
            lambda lang: charts.pre_post_chart(40.0, 80.0, lang=lang),
            "Prueba de conocimientos: 40% antes del curso y 80% después, subió 40 puntos porcentuales.",
        ),
        (
            lambda lang: charts.attitude_chart({"Apoyo": (3.0, None)}, lang=lang),
            "Sus opiniones al inicio del curso están guardadas; todavía no hizo la encuesta del final.",
        ),
        (
            lambda lang: charts.time_per_module_chart({"Historia": 12.0}, lang=lang),
            "Unos 12 minutos en total; el mayor tiempo fue en Historia (12 min).",
        ),
    ],
)
def test_a_learner_chart_in_spanish_states_its_takeaway_and_title_in_spanish(build, said):
    chart = build("es")
    spec = chart.to_dict()  # validated against the Vega-Lite schema
    assert spec["description"].startswith(said)
    english = build("en").to_dict()
    assert english["title"] != spec["title"]


def test_the_learner_charts_tables_have_spanish_headings():
    assert list(charts.progress_table([("Historia", "Passed", 90.0)], "es").iloc[0]) == ["Historia", "Aprobado", 90]
    assert list(charts.progress_table([], "es").columns) == ["Módulo", "Estado", "Mejor puntaje (%)"]
    assert list(charts.pre_post_table(40.0, None, "es").columns) == ["Prueba de conocimientos", "Puntaje (%)"]
    assert list(charts.attitude_table({"Apoyo": (3.0, 4.0)}, "es").columns) == ["Tema", "Inicio", "Final", "Cambio"]
    assert list(charts.time_per_module_table({"Historia": 1.0}, "es").columns) == ["Módulo", "Minutos"]


def test_a_poll_result_is_said_in_the_phones_language():
    rows = [("Verdadero", 3), ("Falso", 1)]
    assert poll_description(rows, "Resultados", "es") == (
        "Resultados: 4 respuestas en total. La respuesta más elegida fue «Verdadero», con 3 respuestas (75%). "
        "Todas las opciones: Verdadero: 3; Falso: 1."
    )
    assert list(poll_tally_table(rows, "es").columns) == ["Respuesta", "Respuestas", "Porcentaje (%)"]
    assert poll_description([], "Results") == "Results: no answers yet."


def test_a_tied_poll_names_its_answers_in_the_languages_quotation_marks():
    rows = [("Sí", 2), ("No", 2)]
    assert "«Sí», «No»" in poll_description(rows, "Resultados", "es")
    assert "“Sí”, “No”" in poll_description(rows, "Results")


def test_a_name_is_quoted_as_each_language_quotes_it():
    assert quoted("Historia", "es") == "«Historia»"
    assert quoted("History") == quoted("History", "en") == "“History”"


def test_the_room_poll_chart_speaks_the_phones_language():
    from course.poll_charts import ROOM, poll_tally_chart

    spec = poll_tally_chart([("Verdadero", 3), ("Falso", 1)], "¿Pregunta?", size=ROOM, lang="es").to_dict()
    assert spec["description"].startswith("¿Pregunta?: 4 respuestas en total.")
    assert "3 respuestas, 75%" in json.dumps(spec, ensure_ascii=False)
