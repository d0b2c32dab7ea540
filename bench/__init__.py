"""Benchmarks: each script compares the bot with a baseline in one run and prints a table."""
