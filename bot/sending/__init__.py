"""The outbox sender: delivery rows become Telegram calls, paced to the limits, each sent once."""
