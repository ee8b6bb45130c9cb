"""Guards for the source root: ``site/`` holds the package ``formulatrust`` (see STYLE.md)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import formulatrust
from formulatrust.core.config import PROJECT_ROOT

PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_site_is_a_source_root_that_holds_the_package():
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {"": "site"}
    assert Path(formulatrust.__file__).resolve().parent == PROJECT_ROOT / "site" / "formulatrust"
    assert (PROJECT_ROOT / "site" / "formulatrust" / "py.typed").is_file()


def test_mypy_resolves_the_package_from_the_editable_install(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from formulatrust.domain import gs1\n"
                     "valid: bool = gs1.is_valid_gtin('09506000134352')\n", encoding="utf-8")
    found = subprocess.run(
        [sys.executable, "-m", "mypy", "--python-executable", sys.executable,
         "--follow-imports=silent", "--no-incremental", "--no-error-summary", str(probe)],
        cwd=tmp_path, capture_output=True, text=True, check=False)
    assert found.returncode == 0, found.stdout + found.stderr


def test_mypy_checks_the_whole_package_and_exempts_only_modules_that_exist():
    mypy = PYPROJECT["tool"]["mypy"]
    assert mypy["packages"] == ["formulatrust"] and mypy["mypy_path"] == "site"
    assert mypy["check_untyped_defs"] is True and mypy["disallow_untyped_defs"] is True
    exempt = [name for override in mypy["overrides"]
              if override.get("disallow_untyped_defs") is False for name in override["module"]]
    assert exempt, "views, commands, forms, models and demo data are the only exemptions"
    for name in exempt:
        assert not name.startswith(("formulatrust.domain", "formulatrust.core.db")), name
        if "*" not in name:  # a module renamed or removed leaves the list too
            parts = name.split(".")
            assert (PROJECT_ROOT / "site" / Path(*parts)).with_suffix(".py").is_file(), name


def test_top_level_folders_resolve_from_the_project_root(app):
    assert Path(app.static_folder) == PROJECT_ROOT / "static"
    assert Path(app.config["BABEL_TRANSLATION_DIRECTORIES"]) == PROJECT_ROOT / "translations"
    assert (PROJECT_ROOT / "static" / "site.css").is_file()
    assert app.extensions["formulatrust.content"].root == PROJECT_ROOT / "content"


def test_bare_site_and_search_imports_are_banned_by_ruff():
    banned = PYPROJECT["tool"]["ruff"]["lint"]["flake8-tidy-imports"]["banned-api"]
    assert {"site", "search"} <= set(banned)
    assert "TID251" in PYPROJECT["tool"]["ruff"]["lint"]["select"]
