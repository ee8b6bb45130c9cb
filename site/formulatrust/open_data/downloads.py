"""Open data shared by the areas that offer it: ``?format=`` on a page's own URL, CSV and JSON
downloads, API errors in both languages, CORS."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)
from flask_babel import LazyString, force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from formulatrust.core.config import data_licence
from formulatrust.core.errors import MESSAGES, render_error
from formulatrust.core.i18n import LANGUAGES, current_language
from formulatrust.core.paging import (  # noqa: F401  (page_message: the API's too)
    MAX_PAGE,
    page_message,
    requested_page,
)
from formulatrust.domain.data_licences import DataLicence
from formulatrust.domain.spreadsheet import safe_row
from formulatrust.open_data import heavy
from formulatrust.open_data.fields import Dataset
from formulatrust.results.query import FilterError

FORMATS = ("html", "csv", "json")
API_PAGE_SIZE = 100  # records in a page of the JSON API
FEED_SIZE = 50  # entries in an Atom feed
# URL converter for record ids: larger numbers are no id (404), not a database error (500).
FILTER_MESSAGES = {
    "too_long": _l("Use at most 100 characters in “%(field)s”."),
    "number": _l("“%(field)s” must be a number, such as a year like 2024."),
    "choice": _l("“%(field)s” has a value this page does not offer."),
}
PARAMETER_MESSAGES = {
    "repeated": _l("Send “%(name)s” at most once."),
    "empty": _l("“%(name)s” has no value: give it one or leave it out."),
    "lang": _l("“%(name)s” must be zh or en."),
}
FILTER_LABELS = {"q": _l("Search"), "year": _l("Year"), "compliant": _l("Result"),
                 "enterprise": _l("Enterprise"), "category": _l("Category"),
                 "item": _l("Failed item"), "province": _l("Province"),
                 "lab": _l("Laboratory"), "sort": _l("Sort by"), "page": _l("Page"),
                 "grade": _l("Grade"), "district": _l("District"),
                 "field": _l("Counted field"), "limit": _l("Number of values")}


CHUNK_CHARS = 64 * 1024  # how much CSV or JSON text is gathered before it is sent


BOM = "\ufeff"  # first in every CSV file, so spreadsheets read the UTF-8 (and Chinese)


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[object]],
               bom: bool = True) -> Iterator[str]:
    """Write rows as CSV text in chunks: a BOM first so spreadsheets read Chinese, every cell
    safe to open in a spreadsheet (no text runs as a formula)."""
    buffer = io.StringIO()
    buffer.write(BOM if bom else "")
    writer = csv.writer(buffer)
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(row))
        if buffer.tell() >= CHUNK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def json_head(envelope: str) -> str:
    """The start of ``{envelope: [records…], "licence": …}``."""
    return "{" + json.dumps(envelope) + ": ["


def json_chunks(records: Iterable[Mapping]) -> Iterator[str]:
    """Write the records and the end of :func:`json_head`'s object, one record at a time."""
    dumps = current_app.json.dumps
    licence = licence_url()
    for number, record in enumerate(records):
        yield ("," if number else "") + dumps(record)
    yield "], " + dumps("licence") + ": " + dumps(licence) + "}"


def attachment(filename: str) -> dict[str, str]:
    """Return the header that makes a browser save the answer as ``filename``."""
    return {"Content-Disposition": f"attachment; filename={filename}"}


def csv_response(header: Sequence[str], rows: Iterable[Sequence[object]],
                 filename: str) -> Response:
    """Return a short table as a CSV attachment (see :func:`csv_chunks`)."""
    return open_response(Response("".join(csv_chunks(header, rows)), mimetype="text/csv",
                                  headers=attachment(filename)))


def current_licence() -> DataLicence:
    """Return the licence the data is published under (``DATA_LICENCE``)."""
    return data_licence(current_app.config)


def licence_url() -> str:
    """Return the address of the data licence (its canonical text)."""
    return current_licence().url


def open_response(response: Response) -> Response:
    """Let any site read the answer (CORS), point at the data licence, and answer a client
    that already holds this very answer with 304 (``ETag``/``If-None-Match``)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Link"] = f'<{licence_url()}>; rel="license"'
    if (request.method in ("GET", "HEAD") and response.status_code == 200
            and not response.is_streamed):
        response.add_etag()
        response.make_conditional(request)  # changes and returns the response itself
    return response


def json_response(body: Mapping) -> Response:
    """Return ``body`` as open JSON."""
    return open_response(jsonify(body))


def atom_response(template: str, **context: object) -> Response:
    """Render an Atom feed as open data."""
    return open_response(Response(render_template(template, **context),
                                  mimetype="application/atom+xml"))


def one_page_format() -> str:
    """Return the requested format of a list shown whole on one page; a bad page number is
    still a 400."""
    requested_page(request.args)
    return requested_format()


def requested_format() -> str:
    """Return ``html``, ``csv`` or ``json`` from ``?format=``; 400 for anything else."""
    value = request.args.get("format") or "html"
    if value not in FORMATS:
        shown = "".join(c for c in value[:20] if not is_control(c))
        abort(open_response(render_error(400, LazyString(lambda: _(
            "There is no “%(format)s” format. Use format=csv or format=json, or leave it out "
            "for the page.", format=shown)))))
    return value


def download(dataset: Dataset, records: Callable[[], Iterable[dict]], fmt: str, filename: str,
             envelope: str | None = None) -> Response:
    """Stream the records of ``dataset`` that ``records()`` reads, as CSV or JSON (under
    ``envelope``), in one of the few heavy-request slots of this worker (or a 503 at once when
    they are all taken)."""
    slot = heavy.take_slot()
    if fmt == "csv":
        response = Response(heavy.holding(slot, BOM, lambda: csv_chunks(
            dataset.columns, (dataset.row(r) for r in records()), bom=False)),
            mimetype="text/csv", headers=attachment(f"{filename}.csv"))
    else:
        response = Response(heavy.holding(slot, json_head(envelope or dataset.slug),
                                          lambda: json_chunks(records())),
                            mimetype="application/json")
    response.call_on_close(slot.release)
    return open_response(response)


def in_both_languages(message: object) -> dict[str, str]:
    """Return a lazy message in every language."""
    texts = {}
    for lang in LANGUAGES:
        with force_locale(lang):
            texts[lang] = str(message)
    return texts


def api_error(status: int, message: object, parameter: str | None = None) -> Response:
    """Return the API's error answer: the message in the reader's language and in both."""
    body: dict[str, object] = {"status": status}
    if parameter:
        body["parameter"] = parameter
    texts = in_both_languages(message)
    body["message"] = texts[current_language()]
    body["messages"] = texts
    response = json_response({"error": body})
    response.status_code = status
    return response


def api_http_error(error: HTTPException) -> Response:
    """Answer an HTTP error on an API route with JSON, never an HTML page."""
    code = error.code or 500
    if code not in MESSAGES:
        code = 400 if code < 500 else 500
    response = api_error(code, MESSAGES[code][1])
    valid_methods = getattr(error, "valid_methods", None)
    if code == 405 and valid_methods:
        response.headers["Allow"] = ", ".join(valid_methods)
    return response


def refuse_unusable_parameters() -> Response | None:
    """Refuse, on the API, a parameter sent twice or empty, and a language we lack.

    Pages keep reading the first value and ignore an unknown ``lang``, as browsers may send
    those; API clients get told.
    """
    for name in request.args:
        values = request.args.getlist(name)
        problem = ("repeated" if len(values) > 1 else "empty" if not values[0]
                   else "lang" if name == "lang" and values[0] not in LANGUAGES else None)
        if problem:
            return api_error(400, parameter_message(problem, name), parameter=name)
    return None


def parameter_message(problem: str, name: str) -> LazyString:
    """Return the message for a parameter the API cannot use, naming it."""
    shown = clean_text(name[:40])
    return LazyString(lambda: str(PARAMETER_MESSAGES[problem]) % {"name": shown})


def open_api_blueprint(blueprint: Blueprint) -> Blueprint:
    """Make every answer of ``blueprint`` open (CORS, licence) and its errors JSON."""
    blueprint.before_request(refuse_unusable_parameters)
    blueprint.after_request(open_response)
    blueprint.register_error_handler(HTTPException, api_http_error)
    return blueprint


def is_control(char: str) -> bool:
    """Tell whether ``char`` is a control character (NUL, unit separator, …)."""
    return unicodedata.category(char) == "Cc"


def clean_text(text: str) -> str:
    """Return ``text`` with control characters turned into spaces.

    Nobody types them on purpose, some databases refuse them (PostgreSQL and NUL), and they
    would make the HTML and Atom answers invalid.
    """
    return "".join(" " if is_control(c) else c for c in text)


def clean_args(args: MultiDict) -> MultiDict:
    """Return query parameters with control characters turned into spaces."""
    return MultiDict([(clean_text(key), clean_text(value))
                      for key, value in args.items(multi=True)])


def filter_message(error: FilterError) -> LazyString:
    """Return the reader-facing message for a bad filter, in the language it is shown in."""
    def text() -> str:
        if error.code == "page":
            return page_message()
        label = FILTER_LABELS.get(error.field, error.field)
        return str(FILTER_MESSAGES[error.code]) % {"field": str(label)}
    return LazyString(text)


def data_requested() -> bool:
    """Tell whether this request asked for data (API, CSV or JSON) rather than a page."""
    return (request.path.startswith("/api/") or request.path.endswith((".json", ".csv"))
            or request.args.get("format") in ("csv", "json"))


def bad_filter(error: FilterError) -> Response:
    """Answer a bad filter on a data request with a JSON 400, else the bilingual error page."""
    if data_requested():
        return api_error(400, filter_message(error), parameter=error.field)
    return render_error(400, filter_message(error))


def lazy(function: Callable[[], str]) -> LazyString:
    """Return a message computed in whatever language is active when it is shown."""
    return LazyString(function)




def page_links(endpoint: str, page: int, pages: int,
               args: Callable[[int], Mapping[str, Any]]) -> dict[str, str]:
    """Return absolute ``self``, ``first``, ``last`` and (where they exist) ``prev``/``next``."""
    def link(number: int) -> str:
        return url_for(endpoint, _external=True, **args(number))

    links = {"self": link(page), "first": link(1), "last": link(pages)}
    if page > 1:
        links["prev"] = link(page - 1)
    if page < pages:
        links["next"] = link(page + 1)
    return links
