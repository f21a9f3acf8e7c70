"""One module per subcommand: ``register(subparsers)`` adds its parser and sets ``handler``.

Modules here import only the standard library at top level; the work happens in the handler.
"""


def listed_names(text: str) -> list[str]:
    """A comma-separated list of names as an argparse ``type``, blank items dropped
    (``bioeval run`` keeps them instead, to refuse them: ``run.check_names``)."""
    return [part.strip() for part in text.split(",") if part.strip()]
