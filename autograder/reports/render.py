"""The Jinja2 environment of the report pages: templates shipped in the package, autoescape always on."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from autograder.student_ids import visible_characters


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Every ``{{ value }}`` is HTML-escaped (autoescape on for every template, whatever its name)."""
    env = Environment(
        loader=PackageLoader("autograder.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.filters["visible"] = lambda text: visible_characters(str(text))
    return env


def render(template: str, **values: object) -> str:
    return environment().get_template(template).render(**values)
