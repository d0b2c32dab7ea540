"""Events: /events with answers, reminders and calendar files; /event_new and organisers' tools."""
