"""The modules of sklweight import each other without a cycle.

Every module is parsed with :mod:`ast`, imports inside functions and ``if`` blocks
included, so an arrow a function-local import hides still counts. An import names one
module: ``from .x import y`` points at ``x.y`` when ``y`` is a module, else at ``x``.
Importing a module also runs its parent packages' ``__init__``, but those arrows belong
to the parent, so they are not added to the importer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import sklweight

ROOT = Path(sklweight.__file__).resolve().parent
PACKAGE = ROOT.name


def _module_name(path):
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules():
    return {_module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def _base(module, path, node):
    """The absolute module name an ``ImportFrom`` starts from."""
    if node.level == 0:
        return node.module or ""
    package = module.split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    package = package[: len(package) - (node.level - 1)]
    return ".".join(package + ([node.module] if node.module else []))


def _imports(module, path, modules):
    """The sklweight modules ``module`` imports, with the line of each import."""
    found = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _base(module, path, node)
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in modules:  # ``import a.b.c`` of a package name
                target = target.rpartition(".")[0]
            if target.split(".")[0] == PACKAGE and target != module:
                found.setdefault(target, node.lineno)
    return found


def import_graph():
    """``{module: {imported module: line}}`` among sklweight's modules."""
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def find_cycles(graph):
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, components = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
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
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def _describe(component, graph):
    members = set(component)
    return "\n".join(
        f"  {source} -> {target} (line {line})"
        for source in component
        for target, line in sorted(graph[source].items())
        if target in members
    )


def test_the_graph_sees_function_local_and_relative_imports(tmp_path):
    graph = import_graph()
    assert "sklweight.class_weight._compute" in graph["sklweight.class_weight"]
    assert "sklweight.utils._validation" in graph["sklweight.class_weight._checks"]


def test_find_cycles_reports_each_cycle_once():
    graph = {"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}, "e": {"e": 1}}
    assert find_cycles(graph) == [["a", "b", "c"]]


def test_no_import_cycle():
    graph = import_graph()
    cycles = find_cycles(graph)
    report = "\n".join(_describe(component, graph) for component in cycles)
    assert not cycles, f"import cycles among sklweight's modules:\n{report}"
