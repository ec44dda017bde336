"""What runs inside the sandbox, and the seeded inputs both sides share.

Every module here is standalone: it imports the standard library and torch, never
``solver``. The grader copies ``harness.py``, ``seccomp.py``, ``kit.py`` and the one
``labN.py`` it needs into a fresh folder as a package named ``probes`` and runs the
harness there. ``labN.inputs(seed)`` builds the seeded inputs; the parent calls the same
function to rebuild them, so the child never sends inputs back. ``labN.run`` calls the
student's code and sends what it computed; it holds no reference answer: the parent
compares (``solver.grading.checks``).
"""
