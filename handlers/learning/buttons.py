"""Callback-data schemes of the learning screens, shared by /learn, quizzes, practice and /progress.

Every id is a short integer row id, never a slug, so data stays far below 64 bytes.
"""

from __future__ import annotations

from handlers.callbacks import Callback

COURSES = Callback("learn", "courses", int)
COURSE = Callback("learn", "course", int)
BACK = Callback("learn", "back", int)
LESSON = Callback("learn", "lesson", int)
NEXT = Callback("learn", "next", int)
DONE = Callback("learn", "done", int)
LESSON_QUIZ = Callback("learn", "quiz", int)
LATER = Callback("learn", "later", int)
PART = Callback("learn", "part", int, int)  # lesson, the part to show (2…)
AGAIN = Callback("learn", "again", int)  # a lesson come back to, read from its first part

QUIZ_START = Callback("quiz", "start", int)
QUIZ_ANSWER = Callback("quiz", "ans", int, int)
QUIZ_TOGGLE = Callback("quiz", "tog", int, int)
QUIZ_SUBMIT = Callback("quiz", "sub", int, int)

PRACTICE_START = Callback("prac", "start")
PRACTICE_ANSWER = Callback("prac", "ans", int, int)
PRACTICE_TOGGLE = Callback("prac", "tog", int, int)
PRACTICE_SUBMIT = Callback("prac", "sub", int, int)
PRACTICE_NEXT = Callback("prac", "next")  # the verdict read: whatever is due next

PROGRESS = Callback("prog", "show")
LEADERBOARD = Callback("prog", "board", int)

DAILY = Callback("daily", "menu")
DAILY_SET = Callback("daily", "set", int)
DAILY_OFF = Callback("daily", "off")
