"""C2PA content credentials: sign a clip's MP4 and poster with a manifest that says a model made them, and
read a file's manifest back.

The manifest holds one `c2pa.actions` assertion (`c2pa.created`, digitalSourceType trainedAlgorithmicMedia,
the model as software agent, the time) and one `org.vernissage.render` assertion (job id, preset, model,
revision, time). The signer comes from settings: PROVENANCE_SIGNING_CERT and PROVENANCE_SIGNING_KEY (PEM
files: the chain, end entity first, and its private key), or PROVENANCE_SIGNER, the dotted path of a
callable returning a c2pa.Signer (for a key kept in a KMS: c2pa.Signer.from_callback).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import c2pa  # type: ignore[import-untyped]  (no hints shipped)
from django.conf import settings
from django.utils.module_loading import import_string

TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
RENDER_ASSERTION = "org.vernissage.render"
MIME_TYPES = {".mp4": "video/mp4", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


class SigningError(Exception):
    """The files could not be signed (no key, a bad key, or the library refused)."""


def _signer() -> c2pa.Signer:
    if settings.PROVENANCE_SIGNER:
        return import_string(settings.PROVENANCE_SIGNER)()
    cert_path, key_path = settings.PROVENANCE_SIGNING_CERT, settings.PROVENANCE_SIGNING_KEY
    if not cert_path or not key_path:
        raise SigningError(
            "No signing key: set PROVENANCE_SIGNING_CERT and PROVENANCE_SIGNING_KEY (or PROVENANCE_SIGNER)."
        )
    if settings.PROVENANCE_MAKE_DEV_KEYS and not (Path(cert_path).exists() and Path(key_path).exists()):
        from core.clock import now
        from provenance.keys import make_dev_chain

        make_dev_chain(cert_path=Path(cert_path), key_path=Path(key_path), now=now())
    try:
        cert, key = Path(cert_path).read_text(), Path(key_path).read_text()
    except OSError as exc:
        raise SigningError(f"The signing certificate or key cannot be read: {exc.strerror}.") from None
    info = c2pa.C2paSignerInfo(
        settings.PROVENANCE_SIGNING_ALG, cert.encode(), key.encode(), settings.PROVENANCE_TSA_URL or None
    )
    return c2pa.Signer.from_info(info)


def manifest_definition(
    *, title: str, mime: str, render: dict[str, Any], extra_actions: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The manifest for one file of a render (`render`: job_id, preset, model, revision, created; without a
    job_id, as for a blind judging copy, there is no render assertion and no time: only the model)."""
    agent = render.get("model") or render.get("preset") or "unknown model"
    created: dict[str, Any] = {
        "action": "c2pa.created",
        "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA,
        "softwareAgent": {"name": str(agent)},
    }
    if render.get("created"):
        created["when"] = render["created"]
    assertions: list[dict[str, Any]] = [
        {"label": "c2pa.actions", "data": {"actions": [created, *(extra_actions or [])]}}
    ]
    if render.get("job_id"):
        assertions.append({"label": RENDER_ASSERTION, "data": render})
    return {
        "claim_generator_info": [{"name": "Vernissage", "version": "1"}],
        "title": title,
        "format": mime,
        "assertions": assertions,
    }


def sign_files(paths: list[Path], *, render: dict[str, Any], extra_actions: list[dict[str, Any]] | None = None) -> None:
    """Sign each file in place (MP4 or JPEG); SigningError when any cannot be signed."""
    try:
        signer = _signer()
    except SigningError:
        raise
    except Exception as exc:  # noqa: BLE001  (a bad key or a failing KMS callback: the job fails, saying why)
        raise SigningError(f"The signer could not be made: {exc}") from None
    try:
        for path in paths:
            mime = MIME_TYPES[path.suffix.lower()]
            signed = path.with_name(f"signed-{path.name}")
            builder = c2pa.Builder(
                manifest_definition(title=path.name, mime=mime, render=render, extra_actions=extra_actions)
            )
            try:
                with open(path, "rb") as source, open(signed, "wb") as dest:
                    builder.sign(signer, mime, source, dest)
            except Exception as exc:  # noqa: BLE001
                signed.unlink(missing_ok=True)
                raise SigningError(f"{path.name} could not be signed: {exc}") from None
            finally:
                builder.close()
            os.replace(signed, path)
    finally:
        signer.close()


def sign_anonymous(paths: list[Path], *, model: str) -> None:
    """Sign files that must not lead back to their job or artist (blind judging copies): only that `model`
    made them (c2pa.created, trainedAlgorithmicMedia); no job id, no time, titled by their random names."""
    sign_files(paths, render={"model": model})


@dataclass(frozen=True)
class Credentials:
    """What a file's C2PA manifest says, read back."""

    present: bool
    valid: bool = False
    model: str = ""
    job_id: str = ""
    source_type: str = ""
    problems: tuple[str, ...] = ()
    signer: str = ""


def read_credentials(stream: Any, *, mime: str) -> Credentials:
    """Read and validate the manifest of a file (an open binary stream); present=False when it has none."""
    try:
        with c2pa.Reader(mime, stream) as reader:
            manifest = reader.get_active_manifest() or {}
            state = reader.get_validation_state() or ""
            results = reader.get_validation_results() or {}
    except c2pa.C2paError as exc:
        if "ManifestNotFound" in type(exc).__name__ or "no JUMBF" in str(exc) or "not found" in str(exc).lower():
            return Credentials(present=False)
        return Credentials(present=True, valid=False, problems=(str(exc)[:200],))
    failures = _failures(results)
    render: dict[str, Any] = {}
    source_type = ""
    for assertion in manifest.get("assertions", []):
        if assertion.get("label") == RENDER_ASSERTION:
            render = assertion.get("data", {})
        if assertion.get("label", "").startswith("c2pa.actions"):
            for action in assertion.get("data", {}).get("actions", []):
                if action.get("action") == "c2pa.created":
                    source_type = action.get("digitalSourceType", "")
    issuer = (manifest.get("signature_info") or {}).get("issuer", "")
    return Credentials(
        present=True,
        valid=state in ("Valid", "Trusted") and not failures,
        model=str(render.get("model") or render.get("preset") or ""),
        job_id=str(render.get("job_id", "")),
        source_type=source_type,
        problems=tuple(failures),
        signer=issuer,
    )


def _failures(results: dict[str, Any]) -> list[str]:
    """Failure codes of the validation, less the signer not being on a trust list (a development chain)."""
    codes = []
    for manifest in [results.get("activeManifest") or {}, *(results.get("ingredientDeltas") or [])]:
        for failure in manifest.get("failure", []) if isinstance(manifest, dict) else []:
            code = failure.get("code", "")
            if code != "signingCredential.untrusted" or settings.PROVENANCE_REQUIRE_TRUSTED:
                codes.append(code)
    return codes


def dump(stream: Any, *, mime: str) -> str:
    """The file's manifest store as JSON text (for the command line)."""
    with c2pa.Reader(mime, stream) as reader:
        return json.dumps(json.loads(reader.json()), indent=2)
