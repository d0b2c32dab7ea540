"""Learning: the course catalogue kept in step with ``content/``, progress, quizzes and practice."""
