"""Notifications: emails rendered in the recipient's language, sent by jobs."""
