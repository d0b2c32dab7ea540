"""Innovation proposals: drafts, submission, the state machine, review, colleagues, the export."""
