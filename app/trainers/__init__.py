"""Trainers: profiles, specialties, certifications and rates."""
