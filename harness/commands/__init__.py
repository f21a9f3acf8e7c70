"""One module per subcommand: ``register(subparsers)`` adds its parser and sets ``handler``.

Modules here import only the standard library at top level; the work happens in the handler.
"""
