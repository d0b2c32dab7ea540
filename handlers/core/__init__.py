"""Everyone's basics: who is talking, onboarding, /profile, /language, /help, roles, fallbacks."""
