"""House rules of the package: rooms by area, plain rules without Flask, short modules."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from formulatrust.core.config import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "site" / "formulatrust"
README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
MAX_LINES = 500


def modules(folder: Path = PACKAGE) -> list[Path]:
    return sorted(path for path in folder.rglob("*.py") if "__pycache__" not in path.parts)


def imported(path: Path) -> set[str]:
    """Return every module that ``path`` imports (absolute names)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_the_package_root_holds_folders_and_a_handful_of_modules():
    files = sorted(path.name for path in PACKAGE.iterdir() if path.is_file())
    assert files == ["__init__.py", "app.py", "py.typed"]


def test_domain_rules_import_neither_flask_nor_a_database():
    for path in modules(PACKAGE / "domain"):
        for name in imported(path):
            top = name.split(".")[0]
            assert top not in ("flask", "flask_babel", "flask_wtf", "sqlalchemy", "alembic",
                               "werkzeug", "psycopg"), f"{path.name} imports {name}"


def test_no_module_is_longer_than_the_limit():
    long = [f"{path.relative_to(PACKAGE)}: {count}" for path in modules()
            if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert long == []


def test_no_module_imports_the_factory():
    for path in modules():
        if path == PACKAGE / "__init__.py":
            continue
        names = imported(path)
        assert "formulatrust" not in names and "formulatrust.app" not in names, path


def test_the_readme_names_every_folder_of_the_package():
    section = README.split("## Where things live", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([^`]+)/` \|", section, flags=re.MULTILINE))
    folders = {str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*")
               if path.is_dir() and "__pycache__" not in path.parts
               and path.parent != PACKAGE / "templates"}  # one per blueprint, named after it
    assert folders - listed == set(), "add these folders to the README's table"
    assert listed - folders == set(), "the README lists folders that do not exist"


ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}


def registers_routes(path: Path) -> bool:
    """Whether ``path`` is a view module: it decorates a function with a route or calls
    ``add_url_rule``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                called = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(called, ast.Attribute) and called.attr in ROUTE_DECORATORS:
                    return True
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "add_url_rule"):
            return True
    return False


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def area(name: str) -> str:
    """The area of a module: the folder under the package (``formulatrust.results.x`` → results)."""
    return name.split(".")[1]


def imported_modules(path: Path) -> set[str]:
    """Like ``imported``, and also each ``from package import module`` as its full name."""
    names = imported(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_area_imports_the_views_of_another_area():
    views = {module_name(path) for path in modules() if registers_routes(path)}
    assert {"formulatrust.results.views", "formulatrust.results.recalls",
            "formulatrust.open_days.views", "formulatrust.images.views"} <= views
    crossing = [f"{module_name(path)} imports {name}" for path in modules()
                if path != PACKAGE / "app.py"  # the factory registers every blueprint
                for name in imported_modules(path) & views
                if area(name) != area(module_name(path))]
    assert crossing == []


def test_only_views_import_views():
    """Shared helpers live outside view modules, so services, commands and models never
    import one (the factory registers them all)."""
    paths = [path for path in modules() if path != PACKAGE / "app.py"]
    views = {module_name(path) for path in paths if registers_routes(path)}
    importing = [f"{module_name(path)} imports {name}" for path in paths
                 if module_name(path) not in views
                 for name in imported_modules(path) & views]
    assert importing == []
