"""The demo scan URLs the README promises really show what it says."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from formulatrust.core import db
from formulatrust.core.config import PROJECT_ROOT
from formulatrust.enterprises.models import Product
from formulatrust.results.models import SamplingResult

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def demo_urls() -> dict[str, str]:
    found = re.findall(r"- (.+?): http://127\.0\.0\.1:8000(/01/\S+)", README)
    return dict(found)


LABELS = ["an ordinary can", "a recalled batch", "a batch with a failed sampling result",
          "a can with a suspicious query history",
          "a lot known only from a failed sampling result"]


def test_readme_demo_cans_resolve_as_described(client, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    urls = demo_urls()
    assert list(urls) == LABELS  # in this order
    pages = {label: client.get(path + "?lang=en") for label, path in urls.items()}
    assert all(page.status_code == 200 for page in pages.values())
    verdicts = {label: BeautifulSoup(page.get_data(as_text=True), "html.parser").select_one(
        "#verdict") for label, page in pages.items()}
    text = {label: page.get_data(as_text=True) for label, page in pages.items()}
    assert "verdict-ok" in verdicts["an ordinary can"]["class"]
    assert verdicts["an ordinary can"].select_one(".banner-warning") is None
    assert "The maker registered this serial number" in text["an ordinary can"]
    assert verdicts["a recalled batch"].select_one(".recall-banner")
    failed = verdicts["a batch with a failed sampling result"].select_one(".banner-danger")
    assert "Cronobacter" in failed.get_text()
    assert "query history is unusual" in text["a can with a suspicious query history"]
    sampled = verdicts["a lot known only from a failed sampling result"]
    assert "Cronobacter" in sampled.select_one(".banner-danger").get_text()
    assert "may not be genuine" not in text["a lot known only from a failed sampling result"]


def test_failures_in_the_demo_data_are_rare(app, runner):
    """Fewer than one demo product in five has a non-compliant result in the last 24 months."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    since = date.today() - timedelta(days=730)
    with app.app_context():
        session = db.session()
        products = session.scalar(select(func.count(Product.id)))
        failing = session.scalar(select(func.count(func.distinct(SamplingResult.product_id)))
                                 .where(SamplingResult.compliant.is_(False),
                                        SamplingResult.announced_on >= since))
    assert 0 < failing < products / 5
