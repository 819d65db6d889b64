"""Find every form the app shows: GET every page the URL map can build (ids from
tests/factories.ID_FACTORIES), follow its local links, and read each <form> with html.parser.

Used by the fuzz test, so a form added later is fuzzed without anyone listing it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from flask import Flask, url_for
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException

SKIP_PAGES = ("/static/", "/logout")
MAX_PAGES = 150


@dataclass
class FormField:
    name: str
    kind: str  # text, textarea, number, date, select, checkbox, file, hidden, ...
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class PageForm:
    """One <form> as a browser would submit it."""

    page: str
    method: str
    action: str
    fields: dict[str, FormField] = field(default_factory=dict)
    # Buttons with formaction="...": the same fields, posted elsewhere.
    other_actions: list[str] = field(default_factory=list)
    public: bool = False  # found by a client that is not logged in

    def key(self, app: Flask) -> tuple[str, str, tuple[str, ...]]:
        """What makes two forms the same: where they go and the fields they have."""
        return (self.method, endpoint_of(app, self.action, self.method), tuple(sorted(self.fields)))


class _Parser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[PageForm] = []
        self.links: list[str] = []
        self._form: PageForm | None = None
        self._select: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
        elif tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"])
        elif tag == "form":
            method = (a.get("method") or "get").upper()
            self._form = PageForm(self.page, method, urljoin(self.page, a.get("action") or ""))
            self.forms.append(self._form)
        elif self._form is not None:
            self._field(tag, a)

    def _field(self, tag: str, a: dict[str, str]) -> None:
        form = self._form
        assert form is not None
        name = a.get("name", "")
        if tag == "button" and a.get("formaction"):
            form.other_actions.append(urljoin(self.page, a["formaction"]))
        if not name:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            existing = form.fields.get(name)
            if existing is not None and kind in ("checkbox", "radio"):
                existing.options.append(a.get("value", "on"))
                return
            options = [a.get("value", "on")] if kind in ("checkbox", "radio") else []
            form.fields[name] = FormField(name, kind, a.get("value", ""), options)
        elif tag == "textarea":
            form.fields[name] = FormField(name, "textarea")
        elif tag == "select":
            self._select = form.fields[name] = FormField(name, "select")
        elif tag == "button" and a.get("value"):
            form.fields.setdefault(name, FormField(name, "hidden", a["value"]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def endpoint_of(app: Flask, url: str, method: str) -> str:
    """The endpoint `url` routes to for `method`, or '' when none does."""
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(urlsplit(url).path, method=method)
    except HTTPException:
        return ""
    return str(endpoint)


def start_pages(app: Flask, ids: dict[str, int]) -> list[str]:
    """Every GET page the URL map can build with `ids` for its id arguments."""
    pages = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in (rule.methods or set()) or not set(rule.arguments) <= set(ids):
                continue
            url = url_for(rule.endpoint, **{arg: ids[arg] for arg in rule.arguments})
            if not url.startswith(SKIP_PAGES):
                pages.append(url)
    return sorted(pages)


def crawl(app: Flask, client: FlaskClient, pages: list[str]) -> tuple[list[PageForm], set[str]]:
    """Forms on `pages` and on local pages they link to; also every page reached."""
    queue, seen, forms = list(pages), {f"{page}?" for page in pages}, []
    reached: set[str] = set()
    while queue and len(reached) < MAX_PAGES:
        page = queue.pop(0)
        response = client.get(page)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        reached.add(page)
        parser = _Parser(page)
        parser.feed(response.get_data(as_text=True))
        forms.extend(parser.forms)
        for link in parser.links:
            # One visit per path and set of query names: other filter values add nothing.
            parts = urlsplit(link)
            shape = parts.path + "?" + ",".join(sorted(parse_qs(parts.query)))
            if shape not in seen and not link.startswith(SKIP_PAGES):
                seen.add(shape)
                if endpoint_of(app, link, "GET"):
                    queue.append(link)
    return forms, reached


def distinct(app: Flask, forms: list[PageForm]) -> list[PageForm]:
    """One form per (method, endpoint, field names); alternative actions become forms too."""
    unique: dict[Any, PageForm] = {}
    for form in forms:
        for action in [form.action, *form.other_actions]:
            copy = PageForm(form.page, form.method, action, form.fields, public=form.public)
            unique.setdefault(copy.key(app), copy)
    return list(unique.values())
