"""bioeval: zero-shot prompted evaluation of biomedical language models.

Kept import-light: ``bioeval --help`` must not import torch, transformers or lm-eval.
"""

__version__ = "0.1.0"

DISTRIBUTION = "bioeval-harness"
"""The name on the package index (``bioeval`` there is an unrelated 2019 library); the command
and the import package stay ``bioeval``."""


def install_hint(extra: str) -> str:
    """The pip line that installs an optional extra of this distribution."""
    return f"pip install '{DISTRIBUTION}[{extra}]'"
