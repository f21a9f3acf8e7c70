"""Checks of an hf model made when a run is planned, before the majority baseline runs.

A model that cannot load (its settings malformed, bitsandbytes missing, its GGUF package
absent, its Hub id neither cached nor reachable) stops the run in one line instead of with a
traceback after the baseline.
"""

from __future__ import annotations

import os
from pathlib import Path

from bioeval.backends.hf_settings import hf_settings
from bioeval.config.models import ModelSpec
from bioeval.errors import BioevalError

HUB_TIMEOUT_SECONDS = 5.0
CONFIG_FILE = "config.json"
_NETWORK_MODULES = ("httpx", "httpcore", "requests", "urllib3", "socket", "ssl")


def check_hf(spec: ModelSpec) -> None:
    settings = hf_settings(spec)
    if settings.quantize:
        from bioeval.backends.quantize import require_bitsandbytes

        require_bitsandbytes(spec.name, settings.quantize)
    if spec.gguf is not None:
        from bioeval.backends.gguf import gguf_file

        gguf_file(spec.gguf)
        return
    if not spec.pretrained:
        raise BioevalError(f"model {spec.name!r}: no 'pretrained' folder or Hub id")
    resolve_config(spec.name, spec.pretrained, settings.revision)


def looks_like_path(ident: str) -> bool:
    """A folder the user meant (absolute, ./, ../, ~) rather than a Hub ``owner/name``."""
    return ident.startswith(("/", "./", "../", "~")) or ident in (".", "..") or ident.count("/") > 1


def resolve_config(model: str, ident: str, revision: str | None = None) -> Path | None:
    """Where the model's config.json is: a local folder, the Hugging Face cache, or (returns
    None) the Hub, which answered. Anything else is a one-line user error."""
    folder = Path(ident).expanduser()
    if folder.is_dir():
        if not (folder / CONFIG_FILE).is_file():
            raise BioevalError(f"model {model!r}: folder {folder} has no {CONFIG_FILE}")
        return folder / CONFIG_FILE
    if looks_like_path(ident):
        raise BioevalError(f"model {model!r}: no such folder {folder}")
    cached = _cached_config(ident, revision)
    if cached is not None:
        return cached
    _ask_hub(model, ident, revision)
    return None


def _cached_config(ident: str, revision: str | None) -> Path | None:
    from huggingface_hub import try_to_load_from_cache
    from huggingface_hub.errors import HFValidationError

    try:
        found = try_to_load_from_cache(ident, CONFIG_FILE, revision=revision)
    except HFValidationError:
        return None
    return Path(found) if isinstance(found, str) else None


def hub_offline() -> bool:
    from huggingface_hub import constants

    flags = (os.environ.get(name, "") for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))
    return bool(constants.HF_HUB_OFFLINE) or any(f.strip().lower() in ("1", "true", "yes", "on") for f in flags)


def _ask_hub(model: str, ident: str, revision: str | None) -> None:
    """One metadata request for config.json, with a short timeout."""
    from huggingface_hub import get_hf_file_metadata, hf_hub_url
    from huggingface_hub import errors

    unreachable = f"model {model!r}: {ident!r} is not found locally and the Hugging Face Hub cannot be reached"
    if hub_offline():
        raise BioevalError(f"{unreachable} (HF_HUB_OFFLINE is set)")
    try:
        get_hf_file_metadata(hf_hub_url(ident, CONFIG_FILE, revision=revision), timeout=HUB_TIMEOUT_SECONDS)
    except errors.HFValidationError:
        raise BioevalError(f"model {model!r}: {ident!r} is neither a local folder nor a Hub id (owner/name)") from None
    except errors.GatedRepoError:
        raise BioevalError(f"model {model!r}: {ident!r} is gated on the Hub; accept its terms and log in (`hf auth login`)") from None
    except (errors.RepositoryNotFoundError, errors.RevisionNotFoundError, errors.RemoteEntryNotFoundError):
        raise BioevalError(f"model {model!r}: {ident!r} is not a model on the Hugging Face Hub (no {CONFIG_FILE})") from None
    except errors.HfHubHTTPError as error:
        raise BioevalError(f"{unreachable} ({_first_line(error)})") from None
    except Exception as error:  # connection refused, DNS, timeouts: httpx's errors are not OSErrors
        if isinstance(error, OSError) or type(error).__module__.startswith(_NETWORK_MODULES):
            raise BioevalError(f"{unreachable} ({type(error).__name__}: {_first_line(error)})") from None
        raise


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
