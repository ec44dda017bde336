"""The parent's half of grading: per grader, the reference computed with ``solver.labs``
on the probe's seeded inputs, and a verdict per sub-question from what the child sent.

A lab record of the exam file names its grader (``grader = "lab3"``): this package's
``lab3`` module with ``probes/lab3.py``. Each module has ``MODULE`` (the reference source
whose marked answer lines are quoted in messages: the record's ``template``), ``LABELS``
(the exam's part labels it judges: the record's ``parts`` labels), ``reference(seed)``
(computed once per run; ``base.forward_references`` is the loop over seeded forward
cases) and ``judge(judge, ref)`` returning a ``Verdict`` per label, ``{label: verdict}``.
The grader refuses a record whose labels or template are not these.
"""
