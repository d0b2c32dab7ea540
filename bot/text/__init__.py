"""Text the bot reads or writes without Telegram: lesson Markdown, time phrases, English counts."""
