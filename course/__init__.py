"""The course: assignments made from the book's master notebooks, and graded.

One module per idea, each imported by its name (this file imports none of them, so that an
autograder can carry `course.key` alone):

- `course.build`: the students' folders and the autograders made from assignments/, and the
  record that lets the grader check it grades with what was made;
- `course.key`: answer keys, and the student's answers read as plain data;
- `course.sandbox`: the sandbox a submission's kernel runs in;
- `course.grade`: a folder of submissions graded, each in its sandbox, into grades.csv.
"""

__all__ = []  # the modules are imported by name: `from course import build`
