"""The apps depend one way: a lower app never imports a higher one.

    accounts → notifications → exports → clusters → agreements → consultations → events → outreach → reports → api

Every non-test, non-migration module is parsed (imports at module level and inside functions alike). The project
package ``inolink`` may import anything (urls, settings, ``load_demo``), except its modules that the apps use
(``inolink.formatting``, ``inolink.tables``, ``inolink.panels``, ...): those are below every app and import none.
A higher app that must show something on a lower app's page registers it there (``inolink.panels``, message kinds,
report tables) instead of being imported.
"""

import ast
from pathlib import Path

from django.conf import settings

ORDER = [
    "accounts",
    "notifications",
    "exports",
    "clusters",
    "agreements",
    "consultations",
    "events",
    "outreach",
    "reports",
    "api",
]
RANK = {app: rank for rank, app in enumerate(ORDER)}
PROJECT = "inolink"


def module_name(path: Path) -> str:
    parts = list(path.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_checked(path: Path) -> bool:
    """Application code: not tests, migrations or test configuration."""
    return not ({"tests", "migrations"} & set(path.parts)) and not path.name.startswith(("test_", "conftest"))


def imported_modules(source: str, module: str, *, is_package: bool) -> set[str]:
    """Every module ``source`` imports, anywhere in it, with relative imports made absolute."""
    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module
            found.add(target)
            # "from package import module" imports the module too.
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def import_violations(sources: dict[Path, str]) -> list[str]:
    """The imports that break the order, as "module imports module" lines; ``sources`` maps paths (relative to
    the project root) to their text."""
    found = {
        module_name(path): imported_modules(source, module_name(path), is_package=path.name == "__init__.py")
        for path, source in sources.items()
    }

    def resolve(name):
        """The project module an import names (a name imported from a module is the module); others as they are."""
        module = name
        while module and module not in found:
            module = module.rpartition(".")[0]
        return module or name

    imports = {module: {resolve(name) for name in names} for module, names in found.items()}

    def app(name):
        return name.split(".")[0]

    violations = []
    # Lower apps never import higher ones.
    for module, names in imports.items():
        if app(module) not in RANK:
            continue
        for name in sorted(names):
            target = app(name)
            if target in RANK and RANK[target] > RANK[app(module)]:
                violations.append(f"{module} imports {name}")
    # The project's modules that apps use (and what those import in turn, parent packages included) import no app.
    base, todo = set(), [name for module, names in imports.items() if app(module) in RANK for name in names]
    while todo:
        name = todo.pop()
        if app(name) != PROJECT or name in base or name not in imports:
            continue
        base.add(name)
        todo.append(resolve(name.rpartition(".")[0]))
        todo.extend(imports[name])
    for module in sorted(base):
        violations.extend(
            f"{module} (used by the apps) imports {name}" for name in sorted(imports[module]) if app(name) in RANK
        )
    return violations


def project_sources() -> dict[Path, str]:
    root = Path(settings.BASE_DIR)
    sources = {}
    for package in [*ORDER, PROJECT]:
        for path in (root / package).rglob("*.py"):
            relative = path.relative_to(root)
            if is_checked(relative):
                sources[relative] = path.read_text(encoding="utf-8")
    return sources


def test_apps_import_only_apps_below_them():
    sources = project_sources()
    assert len(sources) > 100, "the scan found too few modules"
    assert import_violations(sources) == []


def test_a_back_import_is_caught_at_module_level_inside_a_function_and_through_the_project_package():
    sources = project_sources()
    models = Path("agreements/models.py")
    back = {**sources, models: sources[models] + "\n\nfrom consultations.models import Consultation\n"}
    assert import_violations(back) == ["agreements.models imports consultations.models"]
    nested = {**sources, models: sources[models] + "\n\ndef f():\n    from consultations import selectors\n"}
    assert import_violations(nested) == [
        "agreements.models imports consultations",
        "agreements.models imports consultations.selectors",
    ]
    # A project module that the apps use, reaching up into an app, closes a cycle too.
    formatting = Path("inolink/formatting.py")
    up = {**sources, formatting: sources[formatting] + "\n\nfrom events.models import Event\n"}
    assert import_violations(up) == ["inolink.formatting (used by the apps) imports events.models"]
