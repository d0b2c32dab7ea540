"""Events: drafts, publishing, answers with a capacity and a waitlist, check-in, calendar files."""
