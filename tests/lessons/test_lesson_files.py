"""The five lesson files: they load, follow the topic lists, and every exercise is complete."""

from __future__ import annotations

import re

import pytest

from curriculum.lesson import MAX_HINTS, BrokenLesson, Lesson, load_all

EXPECTED = [
    (1, "tensors", "Tensors"),
    (2, "autograd", "Autograd"),
    (3, "neural-networks", "Neural networks"),
    (4, "training-a-classifier", "Training a classifier"),
    (5, "data-parallelism", "Data parallelism"),
]


@pytest.fixture(scope="module")
def lessons() -> list[Lesson]:
    loaded = load_all()
    broken = [lesson for lesson in loaded if isinstance(lesson, BrokenLesson)]
    assert not broken, f"lesson files that do not load: {[str(b.error) for b in broken]}"
    return loaded


def _code(lesson: Lesson) -> str:
    return "\n".join(cell.source for cell in lesson.cells)


def _everything(lesson: Lesson) -> str:
    return lesson.path.read_text(encoding="utf-8")


def test_the_five_lessons_in_order(lessons):
    assert [(lesson.number, lesson.id, lesson.title) for lesson in lessons] == EXPECTED


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
def test_every_lesson_has_at_least_three_complete_exercises(lessons, number):
    lesson = lessons[number - 1]
    assert len(lesson.exercises) >= 3
    for cell in lesson.exercises:
        exercise = cell.exercise
        assert exercise.title and exercise.title != exercise.id, f"{cell.id} needs a title"
        assert exercise.check.strip() and exercise.solution.strip(), f"{cell.id} needs a check and a solution"
        assert 1 <= len(exercise.hints) <= MAX_HINTS, f"{cell.id} should have 1-3 hints"
        assert exercise.solution.strip() != cell.source.strip(), f"{cell.id}: the starter is the solution"
        # Checks inspect objects; printed text would let `print("...")` pass.
        assert "stdout" not in exercise.check and "capsys" not in exercise.check
        assert "assert" in exercise.check, f"{cell.id}: a check says what is wrong through assert messages"


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
def test_no_cell_needs_the_network(lessons, number):
    text = _everything(lessons[number - 1])
    for needle in ("download=True", "urllib", "requests.", "http://", "https://", "pretrained=True", "weights=\"IMAGENET"):
        assert needle not in text, f"lesson {number} mentions {needle!r}"


def test_lesson_1_covers_its_topics(lessons):
    code = _code(lessons[0])
    for api in ("torch.tensor(", "torch.from_numpy(", "_like(", "torch.rand(", "torch.ones(", "torch.zeros(",
                ".shape", ".dtype", ".device", "torch.cat(", "@", ".add_(", "torch.cuda.is_available()",
                ".to(device)", ".numpy()"):
        assert api in code, f"lesson 1 never shows {api}"


def test_lesson_2_covers_its_topics(lessons):
    code = _code(lessons[1])
    for api in ("requires_grad=True", "grad_fn", ".backward()", "backward(gradient=", "9 * a", "-2 * b",
                "torch.no_grad()", ".detach()", "resnet18(weights=None)", "requires_grad = False", ".step()"):
        assert api in code, f"lesson 2 never shows {api}"


def test_lesson_3_covers_its_topics(lessons):
    code = _code(lessons[2])
    for api in ("nn.Conv2d(1, 6, 5)", "nn.Conv2d(6, 16, 5)", "nn.Linear(16 * 5 * 5, 120)", "nn.Linear(120, 84)",
                "nn.Linear(84, 10)", ".parameters()", "torch.randn(1, 1, 32, 32)", "zero_grad()", "nn.MSELoss()",
                "next_functions", "conv1.bias.grad", "torch.optim.SGD"):
        assert api in code, f"lesson 3 never shows {api}"


def test_lesson_4_covers_its_topics_and_names_its_training_preset(lessons):
    lesson = lessons[3]
    code = _code(lesson)
    for api in ("lesson_data_root()", "T.Normalize(", "show(", "nn.Conv2d(3, 6, 5)", "nn.CrossEntropyLoss()",
                "momentum=0.9", "torch.save(", "load_state_dict(", "torch.cuda.is_available()"):
        assert api in code, f"lesson 4 never shows {api}"
    assert lesson.meta["train_preset"] == "faithful"
    assert "**`T`**" in _everything(lesson), "lesson 4 should tell the learner about the T key"


def test_lesson_5_covers_its_topics(lessons):
    lesson = lessons[4]
    code = _code(lesson)
    for api in ("nn.DataParallel(", "DistributedDataParallel", "torch.distributed.run", "gloo", "nccl",
                "DistributedSampler", "device_count()"):
        assert api in code, f"lesson 5 never shows {api}"
    text = _everything(lesson)
    assert "blitz-tui train --nproc N" in text and "Data parallelism" in text


def test_cell_ids_are_unique_across_the_course_per_lesson(lessons):
    for lesson in lessons:
        ids = [cell.id for cell in lesson.cells]
        assert len(ids) == len(set(ids))
        assert all(re.fullmatch(r"[a-z0-9-]+", cell_id) for cell_id in ids), ids


def test_every_lessons_training_settings_are_accepted_by_the_training_form(lessons):
    """`T` fills the training form from a lesson's `train_*` keys; a value the form rejects (lesson 4 once
    named its model 'lenet') would greet the learner with a red field instead of a ready run."""
    from curriculum.training.client import form

    for lesson in lessons:
        for key, value in lesson.meta.items():
            if not key.startswith("train_"):
                continue
            field = key[len("train_"):]
            assert field in form.FIELD_KEYS, f"lesson {lesson.number}: {key} is not a training form field"
            assert form.validate(field, str(value)) is None, f"lesson {lesson.number}: {key}: {value!r} is rejected"
