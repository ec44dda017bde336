"""``solver export qti21``: the LMS-neutral plan as an IMS QTI 2.1 content package
(:mod:`.export` the items and tests, :mod:`.check` their read-back, :mod:`.package` the
zip, :mod:`.cli` the command)."""
