"""The parent's half of grading: per lab, the reference computed with ``solver.labs`` on
the probe's seeded inputs, and a verdict per sub-question from what the child sent.

Each ``labN`` module has ``MODULE`` (the reference source whose marked answer lines are
quoted in messages), ``reference(seed)`` (computed once per run) and ``judge(judge, ref)``
returning one ``Verdict`` per sub-question in exam order.
"""
