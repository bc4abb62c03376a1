"""Every problem type the application can send resolves at `/problems/{slug}` (issue #8,
acceptance 5): the raised ones (every `ProblemError` subclass in any module of `app`) and the
ones built directly (every slug handed to `problem_response` or `send_problem`)."""

import ast
import importlib
import pkgutil
from pathlib import Path

from fastapi.testclient import TestClient

import app
from app.api.problems import ProblemError

APP_ROOT = Path(app.__file__).parent
BUILDERS = {"problem_response", "send_problem"}
# Parameters of the builders themselves, which only hand a caller's type on.
PASSED_THROUGH = {"slug", "kind", "exc"}


def all_problem_classes() -> list[type[ProblemError]]:
    for module in pkgutil.walk_packages(app.__path__, "app."):
        if module.name != "app.__main__":  # runs the command line
            importlib.import_module(module.name)
    found: list[type[ProblemError]] = []
    pending = [ProblemError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return [cls for cls in found if cls.__module__.startswith("app.")]


def slugs_built_directly(by_name: dict[str, type[ProblemError]]) -> set[str]:
    """Slugs in `problem_response(..., slug=...)` and `send_problem(Kind, ...)` calls."""
    slugs: set[str] = set()
    for path in APP_ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name not in BUILDERS:
                continue
            where = f"{path.relative_to(APP_ROOT.parent)}:{node.lineno}"
            kinds = [kw.value for kw in node.keywords if kw.arg == "slug"]
            if name == "send_problem":
                kinds = node.args[:1]
            for value in kinds:
                if isinstance(value, ast.Attribute):  # `Kind.slug`
                    value = value.value
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    slugs.add(value.value)
                elif isinstance(value, ast.Name) and value.id in by_name:
                    slugs.add(str(by_name[value.id].slug))
                elif not (isinstance(value, ast.Name) and value.id in PASSED_THROUGH):
                    raise AssertionError(f"{where}: pass a literal slug or a ProblemError type")
    return slugs


def test_every_problem_type_the_app_can_send_is_documented(client: TestClient) -> None:
    classes = all_problem_classes()
    by_name = {cls.__name__: cls for cls in classes}
    slugs = {cls.slug for cls in classes if cls.slug} | slugs_built_directly(by_name)
    # The two 409 types that did not resolve before, and the framework's own errors.
    assert {"invalid-status-change", "invalid-move", "method-not-allowed"} <= slugs
    missing = []
    for slug in sorted(slugs):
        response = client.get(f"/problems/{slug}")
        if response.status_code != 200:
            missing.append(slug)
            continue
        doc = response.json()
        assert doc["type"] == f"/problems/{slug}"
        assert doc["title"], slug
        assert len(doc["description"]) > 20, slug
    assert missing == [], "register these (give the class a `description`)"


def test_a_raised_type_is_documented_with_its_own_title(client: TestClient) -> None:
    for cls in all_problem_classes():
        if cls.slug:
            assert client.get(f"/problems/{cls.slug}").json()["title"] == cls.title, cls
