"""``solver export moodle``: the class variants as a Moodle XML question bank, checked
offline (importer assumptions, a replay of Moodle's marking, a second XML parser).

Modules: :mod:`.plan` (what each computed question asks), :mod:`.tolerance` (the marking
policy), :mod:`.cloze` (Moodle's gap grammar and numerical rule), :mod:`.feedback` (worked
solutions as HTML), :mod:`.export` (the XML), :mod:`.check` (the checks), :mod:`.cli`.
"""
