"""Announcements: /announce with its audience picker, /broadcasts with delivery reports."""
