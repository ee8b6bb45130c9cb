"""Guards for the ``site/`` -> ``formulatrust`` mapping (see STYLE.md's list of traps)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import formulatrust
from formulatrust import PROJECT_ROOT

PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_python_folder_is_listed_as_a_package():
    mapping = PYPROJECT["tool"]["setuptools"]["package-dir"]
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = set()
    for package, folder in mapping.items():
        root = PROJECT_ROOT / folder
        for init in root.rglob("__init__.py"):
            relative = init.parent.relative_to(root).parts
            found.add(".".join((package, *relative)))
    assert found - listed == set(), "add these to [tool.setuptools] packages"


def test_the_package_is_the_checkouts_site_folder():
    assert Path(formulatrust.__file__).resolve().parent == PROJECT_ROOT / "site"


def test_top_level_folders_resolve_from_the_project_root(app):
    assert Path(app.static_folder) == PROJECT_ROOT / "static"
    assert Path(app.config["BABEL_TRANSLATION_DIRECTORIES"]) == PROJECT_ROOT / "translations"
    assert (PROJECT_ROOT / "static" / "site.css").is_file()
    assert app.extensions["formulatrust.content"].root == PROJECT_ROOT / "content"


def test_bare_site_and_search_imports_are_banned_by_ruff():
    banned = PYPROJECT["tool"]["ruff"]["lint"]["flake8-tidy-imports"]["banned-api"]
    assert {"site", "search"} <= set(banned)
    assert "TID251" in PYPROJECT["tool"]["ruff"]["lint"]["select"]
