"""What search engines may crawl (robots.txt) and how the sitemap is cut into files
(sitemaps.org: at most 50,000 URLs a file, listed by a sitemap index)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

MAX_URLS = 50_000  # per sitemap file (sitemaps.org); tests lower it

# Private pages, and pages a crawler must not call: can pages (every visit counts as a scan of
# that can), data and API answers (the pages hold the same records), typed codes.
PRIVATE_PATHS = (
    "/publish", "/account", "/admin", "/sign-in", "/sign-out",
    "/open-days/manage", "/open-days/bookings/", "/open-days/*/book",
    "/scan/report", "/scan?", "/01/*/21/", "/api/", "/*format=",
    "/results.csv", "/results.json", "/ratings.csv", "/ratings.json",
    "/design", "/healthz",
)
# Pages whose query string makes a search: the endless variants stay out, the page itself (and
# its language versions, the hreflang alternates in the sitemap) stays in.
SEARCH_PAGES = ("/search", "/results", "/results/statistics")


def robots_txt(sitemap_url: str, languages: Iterable[str]) -> str:
    """Return robots.txt: public pages allowed, private ones and search variants not."""
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in PRIVATE_PATHS]
    for page in SEARCH_PAGES:
        lines.append(f"Disallow: {page}?")
        lines += [f"Allow: {page}?lang={code}$" for code in languages]
    lines += ["", f"Sitemap: {sitemap_url}", ""]
    return "\n".join(lines)


def file_count(total: int, size: int = MAX_URLS) -> int:
    """Return how many sitemap files ``total`` URLs take (none for none)."""
    return -(-total // size) if total > 0 else 0


def file_slice(number: int, size: int = MAX_URLS) -> tuple[int, int]:
    """Return the offset and the limit of sitemap file ``number`` (1 is the first)."""
    return (number - 1) * size, size


def lastmod(moment: date | datetime | None) -> str | None:
    """Return a W3C date (a day) or date-time (UTC, whole seconds) for ``<lastmod>``."""
    if moment is None:
        return None
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat(timespec="seconds")
    return moment.isoformat()
