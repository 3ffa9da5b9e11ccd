"""A worker warms up before its first request: mappers configured, every template compiled, the
language detector's model loaded."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _thawed() -> Iterator[None]:
    """warm_up freezes what it loaded (gc.freeze): the test process's own objects are thawed
    again, so later tests' cycles are collected as usual."""
    yield
    gc.unfreeze()


@pytest.mark.parametrize("app_config", [{"WARM_UP": True}])
def test_warm_up_compiles_every_template_before_the_first_request(app, app_config):
    names = app.jinja_env.list_templates(filter_func=lambda n: n.endswith(".html"))
    cached = {key[1] for key in app.jinja_env.cache}
    assert "insights/dashboard.html" in cached and set(names) <= cached


def test_tests_do_not_warm_up(app):
    assert not app.jinja_env.cache


def test_warm_up_compiles_the_translations(app):
    from hub import i18n, warm_up

    i18n._compiled.cache_clear()
    warm_up(app)
    assert i18n._compiled.cache_info().currsize == len(i18n.LANGUAGES) - 1  # Swedish and German (English is the source)


def test_warm_up_loads_the_language_model(app):
    from hub import warm_up
    from hub.rewrite import language

    language._identifier.cache_clear()
    warm_up(app)
    assert language._identifier.cache_info().currsize == 1


def test_warm_up_moves_what_it_loaded_out_of_the_collectors_sight(app):
    """A full collection during a request walks only what requests made, not the ~150,000
    objects of the modules, mappers, templates and catalogues loaded for the process."""
    from hub import warm_up

    gc.unfreeze()
    warm_up(app)
    assert gc.get_freeze_count() > 50_000
    assert "insights/dashboard.html" in {key[1] for key in app.jinja_env.cache}
