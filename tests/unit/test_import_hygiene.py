"""No import cycles between deskwatch modules, and the layers hold at run time too.

import-linter (``make lint``) checks the layer contracts statically; this test walks the same
import graph (grimp, which import-linter is built on) and fails when two modules import each
other, directly or through a longer cycle — including imports inside functions and under
``TYPE_CHECKING``, which a lazy import would otherwise hide.
"""

from __future__ import annotations

import subprocess
import sys

import grimp


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(root: str) -> None:
        # iterative Tarjan: (module, iterator over what it imports)
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, todo = work[-1]
            for nxt in todo:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.find_modules_directly_imported_by(nxt)))))
                    break
                if nxt in on_stack:
                    low[module] = min(low[module], index[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[module])
                if low[module] == index[module]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == module:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))

    for module in sorted(graph.modules):
        if module.startswith("deskwatch") and module not in index:
            visit(module)
    return sorted(groups)


def _chain(graph: grimp.ImportGraph, group: list[str]) -> str:
    first, second = group[0], group[1]
    there = graph.find_shortest_chain(importer=first, imported=second) or (first, second)
    back = graph.find_shortest_chain(importer=second, imported=first) or (second, first)
    return " -> ".join([*there, *back[1:]])


def test_no_module_import_cycles() -> None:
    graph = grimp.build_graph("deskwatch")
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(_chain(graph, g) for g in found)


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for name in ("deskwatch.a", "deskwatch.b", "deskwatch.c", "deskwatch.d"):
        graph.add_module(name)
    graph.add_import(importer="deskwatch.a", imported="deskwatch.b")
    graph.add_import(importer="deskwatch.b", imported="deskwatch.c")
    graph.add_import(importer="deskwatch.c", imported="deskwatch.a")
    graph.add_import(importer="deskwatch.c", imported="deskwatch.d")
    assert cycles(graph) == [["deskwatch.a", "deskwatch.b", "deskwatch.c"]]
    assert _chain(graph, ["deskwatch.a", "deskwatch.b", "deskwatch.c"]).startswith("deskwatch.a")


def test_importing_the_data_layer_loads_no_textual() -> None:
    """What import-linter checks statically, checked in a fresh interpreter."""
    code = (
        "import sys, deskwatch.live.source, deskwatch.live.poller, deskwatch.commands.export;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'textual_plotext')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
