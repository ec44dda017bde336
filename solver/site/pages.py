"""The practice site's HTML: a page per variant, its key script, the front page, and the
formulas and figures as SVG files that every page shares.

Pages are Jinja2 templates (``templates/site``) in the sheet's environment (autoescape,
StrictUndefined), and formulas, steps and
code come from the sheet's own HTML printers (:mod:`solver.render.html`), so the exam's
words and parameters are escaped by the same rules as on the sheet. A page's formulas are
written by the sheet's printers as ``data:`` images; here each becomes a file named by its
content (``media/…svg``), so a formula used on many pages is stored and fetched once.
A key script holds JSON only (``window.solverKey = {…};``), with ``<`` written as
``\\u003c``. The pages' Content-Security-Policy allows the site's own files and nothing
else: no inline script, no network.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

from solver.render.html import TEMPLATES, environment
from solver.render.printer import points_text
from solver.site.content import Shown

# The site's own files only: scripts and styles from files beside the page (and the
# style attributes the formula layout sets), images from its files; nothing else.
POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
          "img-src 'self'; base-uri 'none'; form-action 'none'")
ASSETS = ("site.css", "site.js", "favicon.svg")
MEDIA = "media"
_DATA_IMAGE = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')


class Media:
    """The SVG files of formulas and figures, named by their content."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def externalise(self, html: str, prefix: str) -> str:
        """``html`` with each ``data:`` SVG image turned into a file ``prefix``media/NAME."""

        def swap(match: re.Match[str]) -> str:
            data = base64.b64decode(match.group(1))
            name = hashlib.sha256(data).hexdigest()[:24] + ".svg"
            self.files.setdefault(name, data)
            return f'src="{prefix}{MEDIA}/{name}"'

        return _DATA_IMAGE.sub(swap, html)

    def externalise_all(self, data: Any, prefix: str) -> Any:
        """``data`` (JSON-like) with every string's images externalised."""
        if isinstance(data, str):
            return self.externalise(data, prefix)
        if isinstance(data, list):
            return [self.externalise_all(item, prefix) for item in data]
        if isinstance(data, dict):
            return {name: self.externalise_all(item, prefix) for name, item in data.items()}
        return data


def asset(name: str) -> bytes:
    return (TEMPLATES / "site" / name).read_bytes()


def key_script(key: dict[str, Any]) -> str:
    """The key as a script that sets ``window.solverKey``: JSON, nothing else."""
    data = json.dumps(key, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    data = data.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029",
                                                                              "\\u2029")
    return f"window.solverKey = {data};\n"


def page_html(site_title: str, store: str, section: str, folder: str, number: int,
              count: int, page: Shown) -> str:
    return str(environment().get_template("site/page.html.j2").render(
        site_title=site_title, store=store, section=section, folder=folder, number=number,
        count=count, page=page, previous=(number - 2) % count + 1, next=number % count + 1,
        key_file=f"{number}.key.js", policy=POLICY, points_text=points_text))


def index_html(site_title: str, store: str, count: int,
               sections: list[dict[str, Any]]) -> str:
    return str(environment().get_template("site/index.html.j2").render(
        site_title=site_title, store=store, count=count, sections=sections, policy=POLICY,
        points_text=points_text))
