"""The demo scan URLs the README promises really show what it says."""

from __future__ import annotations

import re

from formulatrust.core.config import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def demo_urls() -> dict[str, str]:
    found = re.findall(r"- (.+?): http://127\.0\.0\.1:8000(/01/\S+)", README)
    return dict(found)


def test_readme_demo_cans_resolve_as_described(client, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    urls = demo_urls()
    assert len(urls) == 4
    pages = {label: client.get(path + "?lang=en") for label, path in urls.items()}
    assert all(page.status_code == 200 for page in pages.values())
    text = {label: page.get_data(as_text=True) for label, page in pages.items()}
    assert "recall-banner" in text["a recalled batch"]
    assert "recall-banner" not in text["an ordinary can"]
    assert "Not compliant" in text["a batch with a failed sampling result"]
    assert "query history is unusual" in text["a can with a suspicious query history"]
    assert "The maker registered this serial number" in text["an ordinary can"]
