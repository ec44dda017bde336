"""Scan simulator for the answer-booklet reader's tests.

It marks rendered booklet pages as students do, scans them as scanners do and records the
ground truth, so the suite can prove that the reader never silently misreads a box.
"""
