"""Gym-wide settings that staff edit: name, address, zone, money, language."""
