"""How an assignment's answers are graded: answer keys, and the student read as plain data.

Each assignment has an answer key, assignments/keys/<name>.py: a `Key` with one function per
question, which gets `student`, through which it reads the student's answers, and `mine`, the
student's own numbers (see `lossacc_utils.variants`), and raises AssertionError when an answer is
wrong. The expected values come from the key's own code and from lossacc_utils, never from the
student's names; the key assigns nothing in the student's namespace; and the key holds its own
reference implementations, which the students' copy of lossacc_utils leaves out (each key's
`WITHHELD`).

A key grades in one of two ways:

- **From outside the student's process**, as `python3 tasks.py grade` does (`course.grade`): the
  key runs in the grader's process, and each answer it reads, or each call of a student's
  function, is evaluated in the student's kernel, in its sandbox (`course.sandbox`), which sends
  back plain data only (numbers, strings, lists, NumPy arrays of numbers) as JSON. What reaches
  the student's process is the inputs the key calls the student's functions with, never the
  expected values.
- **Inside the student's process**, as otter does (`otter run`, `otter grade`, Gradescope): each
  question's hidden test in the master is `__import__("answer_key").check("q1", globals())`, which
  reads the same plain data from the notebook's namespace. There, student code shares the process
  and the folder with the key, and can read or change anything in them (the page for instructors
  says what to do about it). The autograder carries this module as course/key.py, the key as
  answer_key.py and answer_key.json, which records the digest of the autograder's lossacc_utils:
  otter grades a submission that brings its own package with that package, and `check` then fails.

The functions `plain`, `unplain` and `answer` also run in the student's kernel, sent there as
source: they use nothing but the standard library and NumPy, imported inside them.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path

__all__ = [
    "KERNEL_SOURCE",
    "RECORD",
    "Key",
    "NotPlain",
    "Student",
    "WrongAnswer",
    "answer",
    "array",
    "foreign_package",
    "kernel_expression",
    "number",
    "package_digest",
    "plain",
    "text",
    "unplain",
    "whole_number",
]

#: Where the build records the digest of the autograder's lossacc_utils, beside answer_key.py.
RECORD = "answer_key.json"


class WrongAnswer(AssertionError):
    """An answer that is missing, of the wrong kind, or raised when the key called it."""


# ---- plain data: what crosses from the student's process to the grader's ----------------------


def plain(value, depth=0):
    """`value` as JSON-ready data: None, booleans, whole and real numbers, strings, lists (from
    lists and tuples), dictionaries with string keys, and NumPy arrays of numbers or booleans.
    Anything else becomes a note of its type (a `NotPlain` once read back)."""
    import numbers

    import numpy as np

    if depth > 20:
        return {"$": "unsupported", "type": "a structure nested over 20 deep"}
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return {"$": "array", "dtype": value.dtype.str, "data": value.tolist()}
    if isinstance(value, list | tuple):
        return [plain(item, depth + 1) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {"$": "dict", "items": {key: plain(item, depth + 1) for key, item in value.items()}}
    return {"$": "unsupported", "type": type(value).__name__}


def unplain(data):
    """The values `plain` encoded: arrays become NumPy arrays again, and a value that was not
    plain data a `NotPlain`, which no key accepts as an answer."""
    import numpy as np

    if isinstance(data, list):
        return [unplain(item) for item in data]
    if isinstance(data, dict):
        kind = data.get("$")
        if kind == "array":
            dtype = np.dtype(data["dtype"])
            if dtype.kind not in "biuf":
                raise ValueError(f"an array of {dtype} is not plain data")
            return np.asarray(data["data"], dtype=dtype)
        if kind == "dict":
            return {key: unplain(item) for key, item in data["items"].items()}
        if kind == "unsupported":
            return NotPlain(data["type"])
        raise ValueError(f"unknown plain data {kind!r}")
    return data


def answer(env, request):
    """Read `request`'s name in the namespace `env`, calling it with the request's arguments if
    there are any; return the result as JSON text (a name that is missing, or a call that raises,
    is said so)."""
    import json

    request = json.loads(request)
    name, arguments = request["name"], request["call"]
    if name not in env:
        return json.dumps({"$": "missing"})
    try:
        value = env[name]
        if arguments is not None:
            value = value(*unplain(arguments))
        return json.dumps(plain(value))
    except BaseException as error:  # the student's code may raise anything, SystemExit too
        try:
            message = f"{type(error).__name__}: {error}"
        except BaseException:
            message = type(error).__name__
        return json.dumps({"$": "raised", "error": message[:200]})


class NotPlain:
    """An answer that was not plain data, such as a DataFrame: only its type's name is known."""

    def __init__(self, type_name: str):
        self.type_name = type_name

    def __repr__(self):
        return f"<not plain data: {self.type_name}>"


#: The source the grader sends to the student's kernel with every request.
KERNEL_SOURCE = "\n\n".join(inspect.getsource(f) for f in (plain, unplain, answer))


def kernel_expression(request: str) -> str:
    """A Python expression that, evaluated in the student's kernel, returns `answer`'s JSON text
    for `request` without defining or changing any name there."""
    return (
        f"(lambda ns: (exec({KERNEL_SOURCE!r}, ns), ns['answer'](globals(), {request!r}))[1])({{}})"
    )


class Student:
    """A student's answers, read as plain data.

    `ask(request)` evaluates a request (JSON text, made here) and returns `answer`'s JSON text:
    in the student's kernel for `tasks.py grade`, or in this process for `Student.local`.
    """

    def __init__(self, ask):
        self._ask = ask

    @classmethod
    def local(cls, env: dict) -> Student:
        """The student whose answers are the names of `env`, in this process."""
        return cls(lambda request: answer(env, request))

    def _read(self, name: str, call: list | None):
        request = json.dumps({"name": name, "call": None if call is None else plain(call)})
        shown = name if call is None else f"{name}(...)"
        try:
            result = json.loads(self._ask(request))
            if isinstance(result, dict) and result.get("$") == "missing":
                raise WrongAnswer(f"{name} is not defined")
            if isinstance(result, dict) and result.get("$") == "raised":
                raise WrongAnswer(f"{shown} raised {result['error']}")
            return unplain(result)
        except (ValueError, TypeError, KeyError, AttributeError):  # not what `answer` writes
            raise WrongAnswer(f"{shown} could not be read") from None

    def value(self, name: str):
        """The value of the student's `name`, as plain data."""
        return self._read(name, None)

    def call(self, name: str, *arguments):
        """What the student's function `name` returns for `arguments`, as plain data."""
        return self._read(name, list(arguments))


# ---- checking an answer's kind ---------------------------------------------------------------


def number(value, what: str) -> float:
    """`value` as a float, if it is a whole or real number (not a boolean)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WrongAnswer(f"{what} must be a number; it is {value!r:.60}")
    return float(value)


def whole_number(value, what: str) -> int:
    """`value` if it is a whole number (not a boolean, nor a float)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise WrongAnswer(f"{what} must be a whole number; it is {value!r:.60}")
    return value


def text(value, what: str) -> str:
    """`value` if it is a string."""
    if not isinstance(value, str):
        raise WrongAnswer(f"{what} must be a string; it is {value!r:.60}")
    return value


def array(value, what: str, shape: tuple | None = None):
    """`value` (an array, or a list of numbers) as a NumPy array of floats, of `shape` if given."""
    import numpy as np

    try:
        result = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise WrongAnswer(f"{what} must be an array of numbers; it is {value!r:.60}") from None
    if shape is not None and result.shape != shape:
        raise WrongAnswer(f"{what} must have shape {shape}; it has {result.shape}")
    return result


# ---- the key -------------------------------------------------------------------------------


class Key:
    """An assignment's answer key: its questions, and the students' numbers when it has variants.

    `variant(student_id)` gives a student's numbers (a function of `lossacc_utils.variants`), or
    is None when every student has the same numbers. Register each question with `@key.question`:
    a function named as the question, of `student` and `mine` (the student's numbers, or None).
    """

    def __init__(self, assignment: str, variant=None):
        self.assignment, self.variant = assignment, variant
        self.questions = {}
        self._numbers = {}

    def question(self, function):
        self.questions[function.__name__] = function
        return function

    def numbers(self, student_id):
        """The numbers of the student whose id is `student_id` (None without variants)."""
        if self.variant is None:
            return None
        if not isinstance(student_id, str) or student_id not in self._numbers:
            try:
                numbers = self.variant(student_id)
            except ValueError:
                raise WrongAnswer("STUDENT_ID is not set to a student id") from None
            self._numbers[student_id] = numbers
        return self._numbers[student_id]

    def grade(self, question: str, student: Student, student_id=None) -> None:
        """Raise AssertionError unless the student's answer to `question` is right, for the
        numbers of `student_id`."""
        self.questions[question](student, self.numbers(student_id))

    def check(self, question: str, env: dict) -> None:
        """`question`'s hidden test in otter: grade it in this process, from the names of `env`,
        the notebook's namespace, with the numbers of its STUDENT_ID."""
        problem = foreign_package()
        if problem:
            raise AssertionError(problem)
        student = Student.local(env)
        student_id = student.value("STUDENT_ID") if self.variant is not None else None
        self.grade(question, student, student_id)


def package_digest(folder: Path) -> str:
    """The digest of the package in `folder`, as the book computes every digest of its source
    (`lossacc_utils.fingerprint.source_digest`)."""
    from lossacc_utils.fingerprint import source_digest

    return source_digest(Path(folder))


def foreign_package() -> str | None:
    """Why the lossacc_utils this process imports is not the autograder's, or None if it is."""
    import lossacc_utils

    record = Path(__file__).parent.parent / RECORD  # in the autograder's folder, as is course/
    if not record.is_file():
        return f"{RECORD} is missing beside course/: the autograder is incomplete"
    expected = json.loads(record.read_text())["package"]
    if package_digest(Path(lossacc_utils.__file__).parent) != expected:
        return "the lossacc_utils imported is not the autograder's: the submission carries its own"
    return None
