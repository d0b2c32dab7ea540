"""Learning: /learn (courses, lessons, quizzes), /practice, /daily, /progress, /content_stats."""
