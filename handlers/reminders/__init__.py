"""Personal reminders: /remind from a natural phrase, /reminders to list and cancel them."""
