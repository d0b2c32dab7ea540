"""Where the bot meets Telegram: the HTTP client, flood limits, update order, restored states, jobs."""
