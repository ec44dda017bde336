"""``solver export qti21 --seed S --count N --out FILE.zip [--only ID …]``: an IMS QTI 2.1
content package of the class variants (:mod:`solver.lms.qti21.package`)."""

from __future__ import annotations

import argparse

from solver.lms import command


def configure(parser: argparse.ArgumentParser) -> None:
    command.configure(parser, "the QTI 2.1 content package (zip) to write")


def run(args: argparse.Namespace) -> int:
    from solver.lms.qti21.package import package

    return command.run(args, package, "an IMS QTI 2.1 package")
