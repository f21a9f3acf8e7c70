"""The imports between bioeval's own modules form no cycle.

Every module of the installed packages (pyproject's package-dir: bioeval = harness/, bioeval.tasks
= tasks/, ...) is parsed with ast. An edge A -> B is any import of B in A: at module level, inside a
function, or under `if TYPE_CHECKING:`. A cycle that a deferred import hides at run time is still
two concepts that need each other, so it counts. `from bioeval.x import y` is an edge to the module
bioeval.x.y when y is a submodule, else to bioeval.x. Importing bioeval.x.y is not counted as an
edge to the package bioeval.x (that Python runs its __init__ is not a dependency on its names).
Dynamic imports (importlib.import_module of a built name, the registries) are not edges.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def package_dirs() -> dict[str, Path]:
    """Top-level package name -> folder, from pyproject's [tool.setuptools] package-dir."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    return {name: ROOT / folder for name, folder in config["package-dir"].items()}


def module_files() -> dict[str, Path]:
    """Every bioeval module's dotted name -> its file."""
    modules: dict[str, Path] = {}
    for package, folder in package_dirs().items():
        for path in sorted(folder.rglob("*.py")):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            name = ".".join([package, *parts])
            if any(len(other) > len(package) and (name + ".").startswith(other + ".")
                   for other in package_dirs()):
                continue  # a folder inside one package that is mapped as its own package
            modules[name] = path
    return modules


def imported_modules(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The bioeval modules that module `name` (at `path`) imports, anywhere in its body."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")[: len(name.split(".")) - node.level + is_package]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            targets = [f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in modules else origin
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:  # `import bioeval.x.y.z` names bioeval.x.y
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = module_files()
    return {name: imported_modules(name, path, modules) for name, path in modules.items()}


def components(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module: each holds a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def connect(node: str) -> None:  # Tarjan
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                connect(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return components


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One shortest cycle through each strongly connected component."""
    return [shortest_cycle(graph, component) for component in components(graph)]


def shortest_cycle(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    best: list[str] = []
    for start in sorted(component):
        paths = {start: [start]}
        frontier = [start]
        while frontier and not (best and len(paths[frontier[0]]) >= len(best)):
            following = []
            for node in frontier:
                for succ in sorted(graph[node] & component):
                    if succ == start and (not best or len(paths[node]) + 1 < len(best)):
                        best = paths[node] + [start]
                    elif succ not in paths:
                        paths[succ] = paths[node] + [succ]
                        following.append(succ)
            frontier = following
    return best


def test_the_graph_sees_the_packages():
    graph = import_graph()
    assert {"bioeval.cli", "bioeval.run.plan", "bioeval.tasks", "bioeval.metrics"} <= set(graph)
    assert "bioeval.run.plan" in graph["bioeval.commands.run"] or any(
        target.startswith("bioeval.run") for target in graph["bioeval.commands.run"])


def test_relative_and_submodule_imports_resolve():
    modules = {"bioeval.a": Path("a.py"), "bioeval.a.b": Path("a/b.py"), "bioeval.c": Path("c.py")}
    source = "from bioeval.a import b, name\nfrom . import c\ndef f():\n    import bioeval.a.b.x\n"
    path = ROOT / "tests" / "_graph_probe.py"
    try:
        path.write_text(source)
        found = imported_modules("bioeval.d", path, modules)
    finally:
        path.unlink()
    assert found == {"bioeval.a", "bioeval.a.b", "bioeval.c"}


def test_cycles_are_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]


def test_no_import_cycles():
    graph = import_graph()
    found = [
        " -> ".join(shortest_cycle(graph, component)) + "\n    all edges in the cycle: "
        + ", ".join(f"{a} -> {b}" for a in sorted(component) for b in sorted(graph[a] & component))
        for component in components(graph)
    ]
    assert not found, "import cycles:\n" + "\n".join(found)
