"""What one render may cost: hostile templates end in a TemplateError naming the limit, fast;
ordinary ones (loops, ranges, formatting) render as before."""

from __future__ import annotations

import time

import pytest

from bioeval.prompts.render import TemplateError, render
from bioeval.prompts.template import Prompt

FIELDS = {"text": "BRCA1 mutations are associated with breast cancer. " * 40, "label": 1}


def prompt(jinja: str) -> Prompt:
    return Prompt(id="limits", name="probe", jinja=jinja, family="test", target="gad", answer_choices="no ||| yes")


HOSTILE = [
    ("recursion", "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }} ||| x", "recursion too deep"),
    ("huge-range", "{% for i in range(10**9) %}x{% endfor %} ||| x", "range of 1000000000 items"),
    ("nested-ranges", "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %} ||| x",
     "the render may loop over 1000000 in all"),
    ("string-times", "{{ 'x' * 10**9 }} ||| x", "repeating 1 items 1000000000 times"),
    ("list-times", "{{ ([1] * 10**8) | length }} ||| x", "repeating 1 items 100000000 times"),
    ("power", "{{ 9 ** (9 ** 9) }} ||| x", "has more than 4096 bits"),
    ("float-overflow", "{{ 9.0 ** 999 }} ||| x", "OverflowError"),
    ("center", "{{ 'x' | center(10**9) }} ||| x", "filter center with the argument 1000000000"),
    ("percent-width", "{{ '%999999999d' % 1 }} ||| x", "a % format with a width of 999999999"),
    ("format-width", "{{ '{:>999999999}'.format(1) }} ||| x", "a call of format with a width of 999999999"),
    ("format-filter", "{{ '%0999999999d' | format(1) }} ||| x", "filter format with a width"),
    ("ljust", "{{ 'x'.ljust(10**9) }} ||| x", "a call of ljust with the argument 1000000000"),
    ("tilde-doubling", "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }} ||| x",
     "a string of 262144 characters"),
    ("list-doubling", "{% set ns = namespace(s=[1]) %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %} ||| x",
     "a list of 131072 items"),
    ("slice", "{{ [1, 2] | slice(10**9) | list | length }} ||| x", "filter slice with the argument 1000000000"),
    ("long-output", "{% for i in range(100000) %}{{ text }}{% endfor %} ||| x", "rendered text has more than 200000 characters"),
    ("loop-without-calls", "{% for a in text %}{% for b in text %}{% for c in text %}{% endfor %}{% endfor %}{% endfor %} ||| x",
     "the render took more than 2 s"),
]


@pytest.mark.parametrize(("jinja", "message"), [(j, m) for _, j, m in HOSTILE], ids=[n for n, _, _ in HOSTILE])
def test_a_hostile_template_is_a_template_error_within_seconds(jinja: str, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(TemplateError) as error:
        render(prompt(jinja), FIELDS, "example-1")
    assert message in str(error.value)
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("jinja", [
    "{{ text[:50] }} {% for i in range(3) %}{{ i }}{% endfor %} {{ range(5) | length }} ||| {{ answer_choices[label] }}",
    "{{ '%-10s|' % 'a' }} {{ '{:>5}'.format(3) }} {{ 'x' * 20 }} {{ 2 ** 64 }} ||| {{ answer_choices[label] }}",
    "{% set ns = namespace(s='') %}{% for w in text.split()[:5] %}{% set ns.s = ns.s ~ w %}{% endfor %}{{ ns.s }} ||| yes",
    "{{ 5 in range(10) }} {{ range(10)[3] }} {{ (range(4) | list)[-1] }} {{ 'a' | center(9) }} ||| no",
])
def test_ordinary_templates_render_as_before(jinja: str) -> None:
    rendered = render(prompt(jinja), FIELDS, "example-1")
    assert rendered.input and rendered.target in ("no", "yes")
    assert render(prompt(jinja), FIELDS, "example-1") == rendered
