"""``solver export canvas``: the LMS-neutral plan as Canvas's QTI 1.2 dialect, one quiz per
variant (:mod:`.export` the quizzes, :mod:`.check` their read-back, :mod:`.package` the
zip, :mod:`.cli` the command)."""
