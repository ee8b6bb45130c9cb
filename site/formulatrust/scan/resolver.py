"""GS1 Digital Link resolver: ``/01/{gtin}[/10/{lot}][/21/{serial}]`` as page, JSON, linkset."""

from __future__ import annotations

import dataclasses
import secrets
from datetime import date
from functools import lru_cache
from types import SimpleNamespace
from urllib.parse import quote, urlencode

from flask import (
    Blueprint,
    Response,
    current_app,
    get_template_attribute,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from formulatrust.core import chrome, db, freshness, signing
from formulatrust.core.clock import today_in_shanghai, utcnow
from formulatrust.core.demo_banner import demo_data_shown
from formulatrust.core.errors import render_error
from formulatrust.core.i18n import current_language, path_as_sent, vary_on
from formulatrust.domain import genuine
from formulatrust.domain.gs1 import Gs1Error, parse_path
from formulatrust.publishing import accounts
from formulatrust.scan import provenance_json, scan_records, trace
from formulatrust.scan.gs1_messages import gs1_message
from formulatrust.scan.links import absolute, gs1_path

bp = Blueprint("resolver", __name__)

LINKSET = "application/linkset+json"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language",
    "Access-Control-Expose-Headers": "Link",
}


# What a requested link type answers: the linkset here, or a redirect to the link's target.
LINK_TYPE_TARGETS = {"linkset": "linkset", "all": "linkset", "gs1:pip": "page",
                     "gs1:defaultLink": "page", "gs1:recallStatus": "json",
                     "gs1:traceability": "json", "gs1:certificationInfo": "certification",
                     "gs1:verificationService": "verification"}
VOCABULARIES = ("https://gs1.org/voc/", "https://ref.gs1.org/voc/", "http://gs1.org/voc/")
JSONLD = "application/ld+json"
JSONLD_CONTEXT = "https://ref.gs1.org/standards/resolver/linkset-context"


def requested_link_type() -> str | None:
    """Return the requested ``linkType`` in its ``gs1:`` form, or None."""
    link_type = request.args.get("linkType")
    if link_type is None:
        return None
    for vocabulary in VOCABULARIES:
        if link_type.startswith(vocabulary):
            return "gs1:" + link_type[len(vocabulary):]
    return link_type


def wanted_format() -> str:
    """Return what to answer from ``linkType``, ``format`` or else the Accept header.

    ``html``, ``json``, ``linkset`` and ``jsonld`` are answered here; a link type whose target is
    elsewhere (``redirect:…``) redirects to it; ``unknown`` is a link type we lack.
    """
    link_type = requested_link_type()
    if link_type is not None:  # an empty one is a link type we lack, as any other
        target = LINK_TYPE_TARGETS.get(link_type, "unknown")
        return target if target in ("linkset", "unknown") else f"redirect:{target}"
    if request.args.get("format") == "json":
        return "json"
    return format_of_accept(request.headers.get("Accept", ""))


@lru_cache(maxsize=256)
def format_of_accept(header: str) -> str:
    """Return what an ``Accept`` header asks for (phones and apps send a few common ones)."""
    best = parse_accept_header(header, MIMEAccept).best_match(["text/html", "application/json",
                                                              LINKSET, JSONLD])
    return {"application/json": "json", LINKSET: "linkset", JSONLD: "jsonld"}.get(best or "",
                                                                                  "html")


@bp.route("/01/<path:_rest>", methods=["GET"])
@bp.route("/01//<path:_rest>", methods=["GET"])  # an empty GTIN: 400, as the path says
@bp.route("/01/", methods=["GET"], defaults={"_rest": ""})
def resolve(_rest: str):
    """Answer a Digital Link: 400 if malformed, 301 to canonical, 404 if unknown, else facts."""
    sent = path_as_sent()
    try:
        link, needs_redirect = parse_path(sent, request.args)
    except Gs1Error as error:
        return bad_code(error)
    if needs_redirect and sent.rstrip("/") != link.path():  # a short GTIN; "/" alone is fine
        query = request.query_string.decode("latin-1")
        target = absolute(link.path()) + (f"?{query}" if query else "")
        return finish(make_response(redirect(target, 301)), link.path())
    fmt = wanted_format()
    counts_query = fmt == "html" and link.serial is not None and request.method == "GET"
    can_json = fmt == "json" and link.serial is not None
    facts = trace.lookup(db.session, signing.signer(), link, facts_cache(),
                         with_status=not (counts_query or can_json))
    if facts is None:
        return not_on_record(link)
    if fmt in ("linkset", "jsonld"):
        return linkset_response(facts, jsonld=fmt == "jsonld")
    if fmt.startswith("redirect:") or fmt == "unknown":
        return link_type_response(fmt.removeprefix("redirect:"), facts)
    new_cookie = note_query(facts) if counts_query else None
    if fmt == "json":
        if can_json:
            facts.serial_status, stored = trace.status_and_burst(
                db.reader(), signing.signer(), facts)
            facts.burst = scan_records.with_unwritten_burst(stored, facts)
        # Every fact about the key as JSON (documented in the README); the batch-level part is
        # serialised once per batch and joined to the part about this key.
        dumps = current_app.json.dumps
        shared = facts_cache().get_or_make(
            ("json", link.gtin, link.lot, facts.batch and facts.batch.lot),
            lambda: dumps(provenance_json.shared_json(facts)))
        today = today_in_shanghai(utcnow())
        head = dumps(provenance_json.key_json(facts, absolute(link.path()), today,
                                              verdict_of(facts, today)))
        response = current_app.response_class(provenance_json.join_objects(head, shared) + "\n",
                                              mimetype="application/json")
    else:
        response = make_response(page(facts))
        set_device_cookie(response, new_cookie)
    return finish(response, link.path(), private=facts.level == "can")


facts_cache = freshness.facts_cache


def verdict_of(facts: trace.Facts, today: date) -> dict:
    """Return the JSON verdict, worked out once per batch, day and outcome of the code checks
    (data attributes in the code, such as an expiry, are weighed each time)."""
    if facts.link.attributes:
        return provenance_json.verdict_json(facts, today)
    key = ("verdict-json", facts.product.gtin, facts.link.lot, facts.batch and facts.batch.lot,
           today, facts.level, facts.serial_status, facts.burst)
    return facts_cache().get_or_make(
        key, lambda: provenance_json.verdict_json(facts, today),
        keep=lambda _verdict: not facts.lot_unknown or bool(facts.batch_results))


# Stand-ins for what differs from can to can in a reused page; random so no record can forge them.
SERIAL_SLOT = f"SLOT{secrets.token_hex(8)}"
GENUINE_SLOT = Markup(f"<!--genuine-{secrets.token_hex(8)}-->")
VERDICT_SLOT = Markup(f"<!--verdict-{secrets.token_hex(8)}-->")


def page(facts: trace.Facts) -> str:
    """Return the product, batch or can page.

    Everything but the language-switch links, the serial, the verdict (which weighs the
    serial's status) and the "is this code genuine?" box is the same for every can of a batch,
    so it is rendered once per batch, language and day.
    """
    key = ("page", facts.level, facts.product.gtin, facts.link.lot,
           facts.batch and facts.batch.lot, current_language(), utcnow().date(),
           demo_data_shown())
    # A lot nobody knows (no trace record, no result) is not kept: made-up lots must not push
    # the pages of real batches out of the cache.
    known = not facts.lot_unknown or bool(facts.batch_results)
    html = chrome.cached_page(key, lambda: reusable_page(facts), keep=known)
    html = html.replace(VERDICT_SLOT, verdict_summary(facts, key, known))
    if facts.level == "can":
        html = html.replace(GENUINE_SLOT, genuine_box(facts)).replace(
            SERIAL_SLOT, quote(facts.link.serial or "", safe=""))
    return html


def verdict_summary(facts: trace.Facts, page_key: tuple, known: bool) -> str:
    """Return the verdict, rendered once for each outcome of a batch's code checks.

    Beyond the batch's facts it weighs only the serial's status and the can's burst (whose
    warning links to the report form of this very serial); data attributes in the code
    (expiry, net weight) are rendered each time, so that made-up ones do not fill the cache.
    """
    today = today_in_shanghai()

    def render() -> str:
        return get_template_attribute("components/verdict.html", "verdict_summary")(
            facts.verdict(today), facts, today)
    if facts.link.attributes:
        return render()
    serial = facts.link.serial if facts.burst else None
    key = ("verdict", page_key, today, facts.serial_status, facts.burst, serial)
    return facts_cache().get_or_make(key, render, keep=lambda _html: known)


COUNT_SLOT = Markup(f"<!--count-{secrets.token_hex(8)}-->")


def genuine_box(facts: trace.Facts) -> str:
    """Return the "is this code genuine?" box: rendered once per outcome and language, with
    this can's first query time (formatted once per can) and count filled in."""
    history, cache = facts.history, facts_cache()
    language = current_language()
    key = ("genuine", language, facts.serial_status, facts.batch is None,
           bool(facts.batch_results),
           history and (history.status, history.burst_at, history.burst_devices))
    box = cache.get_or_make(key, lambda: str(get_template_attribute(
        "components/genuine.html", "genuine_box")(facts, COUNT_SLOT)))
    if history is None:
        return box
    when = cache.get_or_make(("first-queried", language, history.first_at),
                             lambda: format_datetime(history.first_at, "medium"),
                             keep=lambda _when: facts.serial_status != "unknown")
    return box.replace(COUNT_SLOT, query_count(history.count, when, language))


# Stand-ins for the count and the first query's time in a reused "queried N times" line. Any
# count from 2 up takes the same plural form in both the site's languages (0 and 1 are
# rendered as they are); the time is plain letters, so escaping leaves it as it is.
NUMBER_SLOT = 9_000_000_000 + secrets.randbelow(999_999_999)
WHEN_SLOT = f"WHEN{secrets.token_hex(8)}"


def query_count(count: int, when: str, language: str) -> str:
    """Return the "first queried … / queried N times" line, rendered once per language and
    plural form, with this can's count and time filled in."""
    number = count if count < 2 else NUMBER_SLOT
    line = facts_cache().get_or_make(("query-count", language, number), lambda: str(
        get_template_attribute("components/genuine.html", "query_count")(
            SimpleNamespace(count=number), WHEN_SLOT)))
    return line.replace(str(NUMBER_SLOT), str(count)).replace(WHEN_SLOT, str(escape(when)))


def reusable_page(facts: trace.Facts) -> str:
    """Render the page with slots for the parts that differ from can to can."""
    shared = facts
    if facts.level == "can":
        shared = dataclasses.replace(facts, link=dataclasses.replace(facts.link,
                                                                     serial=SERIAL_SLOT))
    return render_template("resolver/page.html", facts=shared, sections=sections(facts),
                           genuine=GENUINE_SLOT, verdict=VERDICT_SLOT)


def sections(facts: trace.Facts) -> Markup:
    """Render the batch-level sections once per batch, language and day, then reuse them."""
    today = utcnow().date()
    key = ("sections", facts.product.gtin, facts.link.lot, facts.batch and facts.batch.lot,
           current_language(), today)
    return facts_cache().get_or_make(key, lambda: Markup(render_template(
        "resolver/_sections.html", facts=facts, now=today)),
        keep=lambda _html: not facts.lot_unknown or bool(facts.batch_results))


DEVICE_COOKIE = "ft_device"
DEVICE_COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie


def note_query(facts: trace.Facts) -> str | None:
    """Read the serial's status and the can's history, judge it, and queue this query for the
    scan record after the response is sent. Return a new device cookie to set, if the browser
    sent none."""
    now = utcnow()
    cookie = request.cookies.get(DEVICE_COOKIE)
    key = trace.cached_day_key(db.engine(), today_in_shanghai(now))
    daily = genuine.daily_device(key, request.remote_addr or "", request.user_agent.string)
    if genuine.is_device_cookie(cookie):
        device, new_cookie = genuine.cookie_device(cookie), None
    else:
        device, new_cookie = daily, genuine.new_device_cookie()
    facts.serial_status, history = scan_records.read_history(
        db.reader(), signing.signer(), facts, device, now, alias=daily)
    facts.burst = trace.burst_of(history.burst_at, history.burst_devices)
    if not current_app.config["QUERY_LOG_ENABLED"]:
        return None
    facts.history = outcome = genuine.assess(history, now, daily=genuine.is_daily(device))
    facts.burst = trace.burst_of(outcome.burst_at, outcome.burst_devices)
    if not outcome.counted or accounts.current_user() is not None:
        return new_cookie  # a quick reload, or a signed-in publisher checking stock
    scan_records.record(scan_records.Scan(trace.can_key(facts), device, now, outcome.burst_at,
                                          outcome.burst_devices))
    return new_cookie


def set_device_cookie(response: Response, value: str | None) -> None:
    """Give the browser its random device identifier (no personal data; see /privacy)."""
    if value:
        response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_COOKIE_MAX_AGE, httponly=True,
                            secure=request.is_secure, samesite="Lax")


def wants_json() -> bool:
    """Tell whether an error should be answered as JSON rather than as a page."""
    return wanted_format() in ("json", "linkset", "jsonld", "redirect:json")


def link_target(target: str, facts: trace.Facts) -> str:
    """Return the absolute URL a link type of ``target`` kind points to (as in the linkset)."""
    path = facts.link.path()
    if target == "certification":
        return absolute(url_for("enterprises.detail", slug=facts.product.brand.enterprise.slug))
    if target == "verification":
        return absolute(url_for("scan.index"))
    return absolute(path) + ("?format=json" if target == "json" else "")


def passed_on_query(target: str) -> str:
    """Add the request's query string (less ``linkType``) to ``target``, as GS1 requires."""
    pairs = [(key, value) for key, value in request.args.items(multi=True) if key != "linkType"]
    if not pairs:
        return target
    return target + ("&" if "?" in target else "?") + urlencode(pairs)


def link_type_response(target: str, facts: trace.Facts) -> Response:
    """Redirect (307) to the target of a requested link type, or 404 if we have none."""
    if target == "unknown":
        return finish(make_response(render_error(404)), facts.link.path())
    response = make_response(redirect(passed_on_query(link_target(target, facts)), 307))
    return finish(response, facts.link.path())


def bad_code(error: Gs1Error):
    """Show which part of the code is wrong, with status 400."""
    message = gs1_message(error.code, error.part)
    if wants_json():
        body = {"error": {"status": 400, "code": error.code, "part": error.part,
                          "message": message}}
        return finish(make_response(jsonify(body), 400), None)
    page = render_template("resolver/bad_code.html", message=message, value=error.value,
                           path=path_as_sent())
    return finish(make_response(page, 400), None)


def not_on_record(link):
    """Answer a well-formed but unknown product with 404."""
    if wants_json():
        body = {"error": {"status": 404, "code": "product_not_on_record", "gtin": link.gtin,
                          "message": _("This product is not on record.")}}
        return finish(make_response(jsonify(body), 404), link.path())
    page = render_template("resolver/unknown_product.html", link=link)
    return finish(make_response(page, 404), link.path())


def linkset_response(facts: trace.Facts, jsonld: bool = False) -> Response:
    """Return the RFC 9264 linkset for the key, never redirected (JSON-LD when asked for)."""
    body = provenance_json.linkset(facts, absolute, link_target)
    if jsonld:
        body = {"@context": JSONLD_CONTEXT, **body}
    response = make_response(jsonify(body))
    response.mimetype = JSONLD if jsonld else LINKSET
    response = finish(response, facts.link.path())
    response.headers.add("Link", f'<{JSONLD_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"; '
                                 f'type="{JSONLD}"')
    return response


def with_link_header(response: Response, path: str | None) -> Response:
    """Point to the linkset of ``path`` in a ``Link`` header."""
    if path:
        response.headers["Link"] = (f'<{absolute(path)}?linkType=linkset>; rel="linkset"; '
                                    f'type="{LINKSET}"')
    return response


def finish(response: Response, path: str | None, private: bool = False) -> Response:
    """Add the Link, CORS, caching and Vary headers every resolver answer carries."""
    with_link_header(response, path)
    response.headers.update(CORS_HEADERS)
    if response.status_code >= 400 or private:
        response.headers["Cache-Control"] = "private, no-store"
    else:
        response.headers["Cache-Control"] = "public, max-age=300"
    vary_on(response, ("Accept", "Accept-Language", "Cookie"))
    return response


@bp.after_request
def cors_on_options(response: Response) -> Response:
    """Let other sites' scripts read resolver answers (including pre-flight OPTIONS), and point
    OPTIONS answers to the linkset too."""
    if request.method == "OPTIONS":
        response.headers.update(CORS_HEADERS)
        if request.path.startswith("/01/") and "Link" not in response.headers:
            try:
                link, _ = parse_path(path_as_sent(), request.args)
            except Gs1Error:
                return response
            with_link_header(response, link.path())
    return response


@bp.get("/.well-known/gs1resolver")
def description():
    """Describe this resolver (GS1-Conformant Resolver description file)."""
    response = jsonify(provenance_json.resolver_description(absolute("/")))
    response.headers.update(CORS_HEADERS)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


AGE_RANGES = {1: _l("0–6 months"), 2: _l("6–12 months"), 3: _l("12–36 months")}


@bp.app_template_global()
def age_range(stage: int) -> str:
    """Return the age range a stage is for, in the reader's language."""
    return str(AGE_RANGES.get(stage, ""))


bp.add_app_template_global(gs1_path, "gs1_path")
