"""/settings: which pushes someone gets, quiet hours and the daily digest."""
