"""Replace identifiers in free text with stable placeholders ("[PERSON 1]", "[DATE]").

Deterministic recognisers (patterns, dates, phones) plus a name strategy built from
faker's per-locale name lists, capitalisation and context. Works offline.
"""

from storage.anonymiser.engine import Anonymiser, anonymise, detect
from storage.anonymiser.model import KIND_NAMES, Finding, Redaction

__all__ = ["KIND_NAMES", "Anonymiser", "Finding", "Redaction", "anonymise", "detect"]
