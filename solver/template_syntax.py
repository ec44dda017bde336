"""What an exam template may say, checked on its Jinja syntax tree before it first runs,
and the rewrites that put loops, comparisons and ``~`` under :mod:`solver.bounded`'s budget.

Allowed: text, ``<<expr>>``, ``<% if %>``, ``<% for %>`` (not recursive, nested at most
``MAX_LOOP_DEPTH`` deep) and, in expressions, names, constants, attribute and item
access, the filters and tests of :mod:`solver.bounded`'s lists, comparisons, ``and``,
``or``, ``not``, arithmetic, ``~`` and ``x if c else y``. Everything else (a call, an
assignment, a macro, an include, import or extends, a filter block) is refused with what
was found and where.
"""

from __future__ import annotations

from typing import Any

from solver.bounded import FILTERS, MAX_LOOP_DEPTH, TESTS, TemplateLimit

MAX_NESTING = 60  # syntax nodes within one another (a sum of 250 terms is 250 deep)


def _allowed() -> tuple[type, ...]:
    from jinja2 import nodes

    return (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const,
            nodes.If, nodes.For, nodes.Getattr, nodes.Getitem, nodes.Slice, nodes.Filter,
            nodes.Test, nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not,
            nodes.Neg, nodes.Pos, nodes.Add, nodes.Sub, nodes.Mul, nodes.Div,
            nodes.FloorDiv, nodes.Mod, nodes.Pow, nodes.Concat, nodes.CondExpr, nodes.List,
            nodes.Tuple, nodes.Keyword)


def _describe(node: Any) -> str:
    name = type(node).__name__
    words = {"Call": "a call", "Assign": "<% set %>", "AssignBlock": "<% set %>",
             "Macro": "a macro", "CallBlock": "<% call %>", "FilterBlock": "<% filter %>",
             "Include": "<% include %>", "Import": "<% import %>",
             "FromImport": "<% from … import %>", "Extends": "<% extends %>",
             "Block": "<% block %>", "With": "<% with %>", "NSRef": "a namespace"}
    return words.get(name, name)


def _check(node: Any, allowed: tuple[type, ...], depth: int, nesting: int = 0) -> None:
    from jinja2 import nodes

    line = f" (line {node.lineno})" if getattr(node, "lineno", None) else ""
    if type(node) not in allowed:
        raise TemplateLimit(f"{_describe(node)}{line} is not allowed in an exam template "
                            "(values, if, for, filters and arithmetic are)")
    if isinstance(node, nodes.Filter) and node.name not in FILTERS:
        raise TemplateLimit(f"the filter {node.name!r}{line} is not one exam templates may "
                            f"use ({', '.join(FILTERS)})")
    if isinstance(node, nodes.Test) and node.name not in TESTS:
        raise TemplateLimit(f"the test {node.name!r}{line} is not one exam templates may use")
    if isinstance(node, (nodes.Filter, nodes.Test)) and (node.dyn_args or node.dyn_kwargs):
        raise TemplateLimit(f"*args or **kwargs{line} are not allowed in an exam template")
    if isinstance(node, nodes.For):
        if node.recursive:
            raise TemplateLimit(f"a recursive loop{line} is not allowed in an exam template")
        depth += 1
        if depth > MAX_LOOP_DEPTH:
            raise TemplateLimit(f"loops nested more than {MAX_LOOP_DEPTH} deep{line}")
    if nesting > MAX_NESTING:  # Python's compiler refuses deeper generated code
        raise TemplateLimit(f"an expression nested more than {MAX_NESTING} deep{line}")
    for child in node.iter_child_nodes():
        _check(child, allowed, depth, nesting + 1)


def _weight(body: list[Any]) -> int:
    """A loop body's size in syntax nodes: what one iteration may cost, at most."""
    from jinja2 import nodes

    return sum(1 + sum(1 for _ in node.find_all(nodes.Node)) for node in body)


def checked(tree: Any) -> Any:
    """The template's tree when it says only what exam templates may (else a
    TemplateLimit), with each loop's items and each ``~`` routed through the budget."""
    from jinja2 import nodes
    from jinja2.visitor import NodeTransformer

    _check(tree, _allowed(), 0)

    class Bound(NodeTransformer):
        def visit_For(self, node: Any) -> Any:
            self.generic_visit(node)
            body = max(_weight([*node.body, *node.else_]) + (1 if node.test else 0), 1)
            node.iter = nodes.Filter(node.iter, "_loop_items", [nodes.Const(body)], [],
                                     None, None, lineno=node.lineno)
            return node

        def visit_Compare(self, node: Any) -> Any:
            self.generic_visit(node)
            node.expr = _charged(node.expr)
            for operand in node.ops:
                operand.expr = _charged(operand.expr)
            return node

        def visit_Getitem(self, node: Any) -> Any:
            self.generic_visit(node)  # a slice is a new value: charged by its size
            return _charged(node)

        def visit_Concat(self, node: Any) -> Any:
            self.generic_visit(node)
            return nodes.Filter(nodes.List(node.nodes, lineno=node.lineno), "_joined", [],
                                [], None, None, lineno=node.lineno)

    return Bound().visit(tree)


def _charged(expr: Any) -> Any:
    from jinja2 import nodes

    return nodes.Filter(expr, "_charged", [], [], None, None, lineno=expr.lineno)
