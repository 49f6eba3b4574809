"""Provenance: the forensic watermark in every clip's frames, the C2PA content credentials every MP4 and poster
carries, and the trace tool (provenance app)."""

import hashlib

from config.env import env_bool, env_flags, env_int, env_str
from config.settings.base import DEBUG, SECRET_KEY, VAR_DIR
from config.settings.edge import REQUEST_BODY_LIMITS

# The watermark: on for every clip. The key decides where the mark's bits lie; changing it makes the clips
# marked before untraceable, so set it once per site. Unset, it is derived from the secret key (so rotating
# DJANGO_SECRET_KEY would change it: production should set it).
PROVENANCE_WATERMARK = env_bool("PROVENANCE_WATERMARK", True)
PROVENANCE_WATERMARK_KEY = env_str(
    "PROVENANCE_WATERMARK_KEY", hashlib.sha256(f"vernissage-watermark-key:{SECRET_KEY}".encode()).hexdigest()
)
# Peak change of a pixel's luma in 8-bit levels (4: PSNR about 42 dB; bench/watermark.py measures it).
PROVENANCE_WATERMARK_STRENGTH = float(env_str("PROVENANCE_WATERMARK_STRENGTH", "4"))

# C2PA signing. The chain (PEM, end entity first) and its private key, as files; `manage.py provenance_keys`
# writes a development chain to the default paths. Or PROVENANCE_SIGNER: the dotted path of a callable that
# returns a c2pa.Signer (c2pa.Signer.from_callback for a key held in a KMS or an HSM).
PROVENANCE_SIGN = env_bool("PROVENANCE_SIGN", True)
_DEV_KEYS = VAR_DIR / "provenance"
PROVENANCE_SIGNING_CERT = env_str("PROVENANCE_SIGNING_CERT", str(_DEV_KEYS / "dev-chain.pem") if DEBUG else "")
PROVENANCE_SIGNING_KEY = env_str("PROVENANCE_SIGNING_KEY", str(_DEV_KEYS / "dev-key.pem") if DEBUG else "")
PROVENANCE_SIGNER = env_str("PROVENANCE_SIGNER")
# In development, on the default paths, a missing chain is made on first use (as `provenance_keys` makes it),
# so a fresh var/ folder signs too. Never with DJANGO_DEBUG=0 or paths of your own.
PROVENANCE_MAKE_DEV_KEYS = DEBUG and not env_str("PROVENANCE_SIGNING_CERT") and not env_str("PROVENANCE_SIGNING_KEY")
PROVENANCE_SIGNING_ALG = env_str("PROVENANCE_SIGNING_ALG", "es256")
PROVENANCE_TSA_URL = env_str("PROVENANCE_TSA_URL")  # an RFC 3161 time-stamp authority, if any
# A clip that cannot be signed fails its job (nothing unsigned is stored); 0 stores it unsigned instead.
PROVENANCE_SIGNING_REQUIRED = env_bool("PROVENANCE_SIGNING_REQUIRED", True)
# Credentials count as valid only when the signer is on the reader's trust list (off: a development chain).
PROVENANCE_REQUIRE_TRUSTED = env_bool("PROVENANCE_REQUIRE_TRUSTED", False)

# The trace: files are decoded by a child process (this interpreter unless set), within this many seconds.
PROVENANCE_TRACE_PYTHON = env_str("PROVENANCE_TRACE_PYTHON")
PROVENANCE_TRACE_TIMEOUT = env_int("PROVENANCE_TRACE_TIMEOUT", 120, minimum=5)
PROVENANCE_TRACE_MAX_BYTES = env_int("PROVENANCE_TRACE_MAX_BYTES", 100 * 1024 * 1024, minimum=1024)
# The trace page takes uploads up to that size (VERNISSAGE_BODY_LIMITS still wins when it names the path).
REQUEST_BODY_LIMITS.setdefault("/provenance/trace/", PROVENANCE_TRACE_MAX_BYTES + 1024 * 1024)

# The visible pre-release mark (provenance.prerelease): a small semi-transparent badge in a corner of the
# frames of clips that leave the portal (downloads, the API download, data exports), never of what plays in
# it. "default" is the site's; "presets" overrides it per preset key. Off unless set.
#   PROVENANCE_PRERELEASE_MARK=1                       every preset
#   PROVENANCE_PRERELEASE_PRESETS="tiny=on,ltx=off"    per preset (on/off, 1/0, true/false, yes/no)
#   PROVENANCE_PRERELEASE_TEXT="PRE-RELEASE"           the badge's text (up to 40 characters)
#   PROVENANCE_PRERELEASE_CREDIT=1                     the artist's credit after the text
PROVENANCE_PRERELEASE_MARK = {
    "default": env_bool("PROVENANCE_PRERELEASE_MARK", False),
    "presets": env_flags("PROVENANCE_PRERELEASE_PRESETS"),
    "text": env_str("PROVENANCE_PRERELEASE_TEXT", "PRE-RELEASE"),
    "credit": env_bool("PROVENANCE_PRERELEASE_CREDIT", True),
}
# Which file a download of a clip sends (generation.downloads): provenance's marked copy when the mark applies.
CLIP_DOWNLOAD_HOOK = env_str("VERNISSAGE_CLIP_DOWNLOAD_HOOK", "provenance.marked.download_file")
# The marked copy's x264 quality: low, so that outside the badge it stays within the watermark's tolerance.
PROVENANCE_PRERELEASE_CRF = env_int("PROVENANCE_PRERELEASE_CRF", 14)
