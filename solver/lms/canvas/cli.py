"""``solver export canvas --seed S --count N --out FILE.zip [--only ID …]``: Canvas's QTI
1.2 package of the class variants, one quiz per variant (:mod:`solver.lms.canvas.package`)."""

from __future__ import annotations

import argparse

from solver.lms import command


def configure(parser: argparse.ArgumentParser) -> None:
    command.configure(parser, "the Canvas QTI package (zip) to write")


def run(args: argparse.Namespace) -> int:
    from solver.lms.canvas.package import package

    return command.run(args, package, "a Canvas QTI package, one quiz per variant")
