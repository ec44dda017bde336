"""Exam day on paper: answer booklets a scanner reads back (``solver booklets``), and the
reading, review and marking of their scans (``solver scan``)."""
