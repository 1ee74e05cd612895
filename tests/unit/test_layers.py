"""The layers, read from the source: the domain imports nothing of the app, and no module imports in a circle.

Parsed with `ast`, not imported, so a function-level import counts as much as one at the top
(for the domain), and a circle fails here rather than as an ImportError in whichever order
the modules happen to be loaded.
"""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "courier"
# What the domain may not reach for: the app's other layers, the web framework and the database.
FORBIDDEN_IN_DOMAIN = ("courier.models", "courier.services", "courier.routes", "courier.extensions",
                       "courier.ledger", "flask", "flask_", "sqlalchemy")


def _module_name(path: Path) -> str:
    parts = ["courier", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, top_level_only: bool) -> set[str]:
    """The modules `name` imports; `from package import sub` counts as importing the submodule only."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    nodes = tree.body if top_level_only else ast.walk(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module
            submodules = {f"{source}.{alias.name}" for alias in node.names} & MODULES.keys()
            found.update(submodules)
            if len(submodules) < len(node.names):  # a name defined in `source` itself
                found.add(source)
    return found


def _forbidden(imported: str) -> bool:
    return any(imported == prefix or imported.startswith(prefix if prefix.endswith("_") else prefix + ".")
               for prefix in FORBIDDEN_IN_DOMAIN)


@pytest.mark.parametrize("name", [name for name in MODULES if name.startswith("courier.domain")])
def test_the_domain_imports_nothing_of_the_app(name):
    assert sorted(filter(_forbidden, _imports(name, top_level_only=False))) == []


# Below the domain's rule, the rest of the stack also points down: what each layer may not import.
ABOVE = {"courier.models": ("courier.ledger", "courier.services", "courier.routes"),
         "courier.ledger": ("courier.services", "courier.routes"),
         "courier.services": ("courier.routes",)}


@pytest.mark.parametrize("name", [name for name in MODULES if name.startswith(tuple(ABOVE))])
def test_models_ledger_and_services_do_not_reach_up(name):
    layer = next(prefix for prefix in ABOVE if name == prefix or name.startswith(prefix + "."))
    above = ABOVE[layer]
    assert sorted(i for i in _imports(name, top_level_only=False)
                  if any(i == p or i.startswith(p + ".") for p in above)) == []


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_in_a_circle():
    graph = {name: {target for target in _imports(name, top_level_only=True) if target in MODULES and target != name}
             for name in MODULES}
    assert _circles(graph) == []


def test_a_circle_is_found():
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
