"""What runs inside the sandbox, and the seeded inputs both sides share.

Every module here is standalone: it imports the standard library and torch, never
``solver``. The grader copies ``harness.py``, ``seccomp.py``, ``kit.py`` and the one
probe it needs (the lab record's ``grader``, e.g. ``lab3.py``) into a fresh folder as a
package named ``probes`` and runs the harness there. ``inputs(seed)`` of that probe builds
the seeded inputs; the parent calls the same function to rebuild them, so the child never
sends inputs back. Its ``run`` calls the student's code and sends what it computed; it
holds no reference answer: the parent compares (``solver.grading.checks``).
"""
