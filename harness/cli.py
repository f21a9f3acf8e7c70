"""The ``bioeval`` command line. Subcommands live in ``bioeval.commands.<name>``.

Only argparse is imported at start; each command imports what it needs when it runs, so
``bioeval --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bioeval import __version__
from bioeval.errors import EXIT_USER_ERROR, BioevalError
from bioeval.run.signals import Interrupted

COMMANDS = ("run", "status", "plan", "list", "score", "report", "data", "prompts", "export")
"""Each names a module ``bioeval.commands.<name>`` with a ``register(subparsers)``."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bioeval",
        description="Zero-shot prompted evaluation of biomedical language models.",
    )
    parser.add_argument("--version", action="version", version=f"bioeval {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"bioeval.commands.{name}").register(subparsers)
    return parser


def one_line(message: str) -> str:
    """A message as one line: a library's multi-line text (YAML, tarfile) joined with '; '."""
    return "; ".join(part.strip() for part in message.splitlines() if part.strip())


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    args.argv = argv[1:] if argv and argv[0] == args.command else argv
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USER_ERROR
    try:
        return int(args.handler(args) or 0)
    except BioevalError as error:
        print(f"bioeval: error: {one_line(str(error))}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("bioeval: interrupted", file=sys.stderr)
        return 130
    except Interrupted as stop:
        print(f"bioeval: stopped by {stop}", file=sys.stderr)
        return stop.exit_status


if __name__ == "__main__":
    sys.exit(main())
