"""Innovation proposals: /idea, /myideas, /ideas, and /review for model workers and craftsmen."""
