"""The practice site (``solver site``): static pages where a student practises each
question on fresh variants, answers checked in the browser, worked solutions revealed a
step at a time on request.

- :mod:`.draws`: the variants a site shows, the exam's own version first, the others
  drawn from a stream of their own (a site never shows a class's variants);
- :mod:`.content`: one variant as a page sees it: what the student is asked (the exam's
  words, through the question's kind and the LMS-neutral plan) and what the page checks
  and reveals (the plan's gaps and tolerances, the worked steps);
- :mod:`.pages`: the HTML (Jinja2 templates in ``templates/site``), formulas and figures
  as SVG files shared by every page;
- :mod:`.build`: the whole site, each page guarded against leaks and bounded in size,
  written to a temporary folder and moved into place;
- :mod:`.cli`: ``solver site --seed S --count N --out DIR [--only ID …]``.
"""
