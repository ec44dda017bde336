"""``solver export moodle``: the LMS-neutral plan (:mod:`solver.lms.plan`) written as a
Moodle XML question bank, checked offline (importer assumptions, a replay of Moodle's
marking, a second XML parser).

Modules: :mod:`.cloze` (Moodle's gap grammar and numerical rule), :mod:`.export` (the
XML), :mod:`.reading` (the bank read back), :mod:`.check` and :mod:`.replay` (the checks),
:mod:`.cli` (the command).
"""
