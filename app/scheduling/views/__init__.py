"""Scheduling's pages: the back office (`staff.py`) and the iCal feeds (`public.py`)."""
