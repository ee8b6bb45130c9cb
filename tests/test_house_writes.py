"""House rule: views parse the request, call one service and render; they never write.

A view module is any module that registers routes (``@bp.route``, ``@bp.get``, ``@bp.post`` …
or ``add_url_rule``). It must not commit, add to or delete from a session, execute an INSERT,
UPDATE or DELETE, or open ``db.transaction()``: each write lives in a service that owns its
transaction, audit entry and change record, shared by the CLI and the API.
"""

from __future__ import annotations

import ast

import pytest

from formulatrust.core.config import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "site" / "formulatrust"

ROUTE_DECORATORS = frozenset({"route", "get", "post", "put", "patch", "delete"})
SESSION_WRITES = frozenset({"add", "add_all", "delete", "merge", "bulk_save_objects"})
STATEMENT_WRITES = frozenset({"insert", "update", "delete"})


def registers_routes(tree: ast.AST) -> bool:
    """Tell whether a module's code registers a URL rule."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                if (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
                        and decorator.func.attr in ROUTE_DECORATORS and decorator.args
                        and isinstance(decorator.args[0], ast.Constant)
                        and isinstance(decorator.args[0].value, str)):
                    return True
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "add_url_rule"):
            return True
    return False


def is_session(node: ast.expr) -> bool:
    """Tell whether an expression names a database session (``session``, ``dbs``,
    ``db.session()``); Flask's cookie session has no ``add`` or ``delete``."""
    if isinstance(node, ast.Call):
        node = node.func
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name == "dbs" or name.endswith("session")


def called_name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def statement_kind(node: ast.expr) -> str:
    """Return what a statement built by a call chain starts with: ``update(User).where(…)``
    is an ``update``."""
    while (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
           and isinstance(node.func.value, ast.Call)):
        node = node.func.value
    return called_name(node.func) if isinstance(node, ast.Call) else ""


def writes(tree: ast.AST) -> list[str]:
    """List the writes a module's code makes, as ``line: what``."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = called_name(node.func)
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        if name == "commit" or name == "transaction":
            found.append(f"{node.lineno}: {name}()")
        elif receiver is not None and name in SESSION_WRITES and is_session(receiver):
            found.append(f"{node.lineno}: session.{name}()")
        elif name == "execute" and node.args and statement_kind(node.args[0]) in STATEMENT_WRITES:
            found.append(f"{node.lineno}: execute({statement_kind(node.args[0])}(…))")
    return found


def view_modules() -> dict[str, ast.AST]:
    trees = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if registers_routes(tree):
            trees[path.relative_to(PACKAGE).as_posix()] = tree
    return trees


def test_views_issue_no_writes():
    offending = {name: found for name, tree in view_modules().items()
                 if (found := writes(tree))}
    assert offending == {}, "move these writes into a service of the area"


def test_the_publishing_views_are_view_modules():
    views = view_modules()
    for name in ("publishing/views.py", "publishing/recall_penalty_views.py",
                 "publishing/api_push.py", "publishing/tokens.py", "publishing/account.py",
                 "publishing/admin.py", "publishing/bulletins/views.py"):
        assert name in views


@pytest.mark.parametrize("source", [
    "db.session().commit()",
    "session.commit()",
    "with db.transaction() as session:\n    pass",
    "session.add(recall)",
    "dbs.add_all(rows)",
    "db.session().delete(bulletin)",
    "session.execute(update(User).values(active=False))",
    "session.execute(delete(SignIn))",
])
def test_each_kind_of_write_is_found(source: str):
    assert writes(ast.parse(source)) != []


@pytest.mark.parametrize("source", [
    "session.pop('account_pending', None)",
    "form.errors.add('x')",
    "db.session().scalars(select(Recall))",
    "session.execute(select(User))",
    "session.execute(select(User).where(User.id == 1))",
    "services.delete_bulletin(user, bulletin)",
])
def test_reads_and_service_calls_are_not_writes(source: str):
    assert writes(ast.parse(source)) == []


@pytest.mark.parametrize(("source", "routes"), [
    ("@bp.route('/x', methods=['POST'])\ndef x():\n    pass", True),
    ("@api.get('/x')\ndef x():\n    pass", True),
    ("app.add_url_rule('/x', view_func=x)", True),
    ("@bp.errorhandler(404)\ndef x():\n    pass", False),
    ("@cache.get(key)\ndef x():\n    pass", False),
])
def test_a_view_module_is_one_that_registers_routes(source: str, routes: bool):
    assert registers_routes(ast.parse(source)) is routes
