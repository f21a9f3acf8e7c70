"""bioeval: zero-shot prompted evaluation of biomedical language models.

Kept import-light: ``bioeval --help`` must not import torch, transformers or lm-eval.
"""

__version__ = "0.1.0"
