"""Where the bot meets Telegram: HTTP client, flood limits, update order, restored states, jobs."""
