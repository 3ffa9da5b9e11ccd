"""Dependencies point one way. Every module's imports (module-level and inside functions) are
parsed with ``ast`` and checked against the layering below, which is the design written as data:
posts at the bottom; suggestions, topics and sharing above it; insights above sharing; auth,
channels and strategy beside them. A domain reacts to another's events, or asks it for more,
through blinker signals connected in hub/events.py, never by importing upward; a views module
never imports another domain's views."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

HUB = Path(__file__).resolve().parents[1] / "hub"

# Below every domain: they import no domain.
FOUNDATION = frozenset(
    {
        "lib",
        "errors",
        "db",
        "web",
        "platforms",
        "rewrite",
        "forms",
        "config",
        "security",
        "templating",
        "throttle",
        "resources",
        "inputs",
        "i18n",  # the interface's languages: gettext for every domain
        "outbox",  # mail and webhooks leave through it; it imports no domain
    }
)

# The application factory and what it calls to assemble the app; they may import anything.
WIRING = frozenset({"__init__", "events", "extensions", "cli", "demo", "migrate"})

# Each domain and the domains it may import: those below it and, for "beside", none.
LAYERS: dict[str, frozenset[str]] = {
    "auth": frozenset(),
    "channels": frozenset({"auth"}),
    "strategy": frozenset({"auth"}),
    "posts": frozenset({"auth"}),
    "suggestions": frozenset({"auth", "posts"}),
    "topics": frozenset({"auth", "posts"}),
    "sharing": frozenset({"auth", "posts", "strategy"}),  # the writer follows the tone of voice
    "notifications": frozenset({"auth", "posts", "suggestions", "topics"}),
    # outside articles: shared through sharing's links and texts, attached to topics
    "library": frozenset({"auth", "posts", "topics", "sharing", "strategy"}),
    "insights": frozenset({"auth", "posts", "topics", "sharing", "channels", "strategy", "library"}),
    "public": frozenset({"auth", "posts", "suggestions", "topics", "insights"}),
    # Slack and Teams channels hear about topics and the posts written for them
    "chat": frozenset({"auth", "posts", "topics"}),
    # the JSON API sits on top: it calls the services and queries of the domains it serves
    "api": frozenset({"auth", "posts", "topics", "sharing", "insights"}),
}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. "hub.posts.views"
    target: str  # the imported hub module, e.g. "hub.suggestions.queries"
    line: int


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(HUB.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(module: str, source: str, is_package: bool = False) -> Iterator[Import]:
    """Every import of a hub module in ``source`` (of ``module``), wherever it stands."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "hub" or alias.name.startswith("hub."):
                    yield Import(module, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the importing package
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            if base != "hub" and not base.startswith("hub."):
                continue
            for alias in node.names:
                # "from hub import cli" and "from hub.posts import services" name modules too
                yield Import(
                    module,
                    f"{base}.{alias.name}" if _is_module(f"{base}.{alias.name}") else base,
                    node.lineno,
                )


def _is_module(dotted: str) -> bool:
    path = HUB.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _unit(module: str) -> str:
    """The top-level part of hub a module belongs to: "posts" for hub.posts.views, "__init__" for hub."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _is_views(module: str) -> bool:
    return module.rpartition(".")[2] == "views"


def violations(found: Iterator[Import]) -> list[str]:
    """What breaks the layering, one line each."""
    bad = []
    for imp in found:
        source, target = _unit(imp.module), _unit(imp.target)
        where = f"{imp.module} (line {imp.line}) imports {imp.target}"
        if source == target or source in WIRING:
            continue
        if _is_views(imp.target):
            bad.append(f"{where}: another domain's views are never imported (views->views or upward)")
        elif source in FOUNDATION:
            if target not in FOUNDATION:
                bad.append(f"{where}: hub.{source} sits below every domain")
        elif source in LAYERS:
            if target not in FOUNDATION and target not in LAYERS[source]:
                bad.append(
                    f"{where}: hub.{target} is not below hub.{source}; send a signal wired in hub/events.py"
                )
        else:
            bad.append(f"{where}: hub.{source} is in no layer; add it to tests/test_architecture.py")
    return list(dict.fromkeys(bad))  # one line for "from x import a, b"


def all_imports() -> Iterator[Import]:
    for path in sorted(HUB.rglob("*.py")):
        yield from imports_of(
            _module_name(path), path.read_text(encoding="utf-8"), path.name == "__init__.py"
        )


def test_every_part_of_hub_has_a_place_in_the_layering():
    parts = {
        p.stem if p.is_file() else p.name
        for p in HUB.iterdir()
        if (p.suffix == ".py") or (p.is_dir() and (p / "__init__.py").exists())
    }
    assert parts - FOUNDATION - WIRING - set(LAYERS) == set()


def test_the_layering_has_no_cycle():
    done: set[str] = set()

    def visit(domain: str, path: tuple[str, ...]) -> None:
        assert domain not in path, f"cycle in LAYERS: {' -> '.join((*path, domain))}"
        if domain not in done:
            for below in LAYERS[domain]:
                visit(below, (*path, domain))
            done.add(domain)

    for domain in LAYERS:
        visit(domain, ())


def test_dependencies_point_one_way():
    assert violations(all_imports()) == []


def test_events_are_wired_in_the_factory():
    """Signals are connected in hub/events.py, called from create_app; no module connects a
    receiver as a side effect of being imported (``@signal.connect`` on a function)."""
    for path in sorted(HUB.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                for deco in node.decorator_list:
                    target = deco.func if isinstance(deco, ast.Call) else deco
                    assert not (
                        isinstance(target, ast.Attribute) and target.attr in ("connect", "connect_via")
                    ), f"{path.relative_to(HUB.parent)}:{node.lineno} connects a signal on import"
    init = (HUB / "__init__.py").read_text(encoding="utf-8")
    assert "events.connect()" in init


@pytest.mark.parametrize(
    ("module", "source", "complaint"),
    [
        ("hub.posts.models", "from hub.topics.models import Topic", "hub.topics is not below hub.posts"),
        (
            "hub.posts.services",
            "def f():\n    from hub.suggestions import services\n",
            "hub.suggestions is not below",
        ),
        ("hub.sharing.clicklog", "import hub.insights.rollups", "hub.insights is not below hub.sharing"),
        ("hub.topics.queries", "from hub.sharing.models import Click", "hub.sharing is not below hub.topics"),
        ("hub.public.views", "from hub.insights.views import PostListening", "another domain's views"),
        ("hub.insights.queries", "from hub.posts.views import load_post", "another domain's views"),
        ("hub.db", "def import_models():\n    import hub.posts.models\n", "sits below every domain"),
        ("hub.lib.text", "from hub import posts", "sits below every domain"),
        ("hub.posts.queries", "from ..suggestions.models import Suggestion", "hub.suggestions is not below"),
    ],
)
def test_the_check_finds_upward_and_view_imports(module, source, complaint):
    """The checker itself: each of these would slip in an upward or views->views import."""
    found = violations(imports_of(module, source))
    assert len(found) == 1 and complaint in found[0], found


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("hub.topics.services", "from hub.posts.services import PostInput"),
        ("hub.insights.queries", "from hub.sharing.models import ShareEvent"),
        ("hub.posts.views", "from hub.posts import queries\nfrom hub.web import commit"),
        ("hub.events", "from hub.insights import rollups"),
        ("hub.cli", "def f():\n    from hub.notifications.views import notification_url\n"),
    ],
)
def test_the_check_lets_downward_imports_through(module, source):
    assert violations(imports_of(module, source)) == []
