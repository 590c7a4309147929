"""One normal form for everything a practitioner types, before it is checked or kept.

Invisible characters (a word joiner inside "J⁠ohn", a soft hyphen in "S­mith") display as
the name yet defeat every pattern that looks for it, so the anonymiser, "Remove words"
and the store all see text in this form: Unicode NFKC, format and other invisible
characters dropped, control characters dropped, odd spaces as a plain space, line and
paragraph separators as a newline, and lone surrogates (which UTF-8 cannot encode, so
the store could not keep them) as U+FFFD. Plain ASCII without control characters, the
usual answer, is returned as it is without further work.
"""

from __future__ import annotations

import re
import unicodedata

# Category Cf (Unicode 14) plus the other default-ignorable characters that render as
# nothing: the combining grapheme joiner, Hangul fillers, Khmer inherent vowels,
# Mongolian and other variation selectors, and the tag and variation block U+E0000-E0FFF.
_INVISIBLE = (
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160"
    "\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff"
)
# Control characters other than tab and newline (those that mean a new line are
# turned into one first).
_CONTROLS = "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f"
_DROP = re.compile(f"[{_CONTROLS}{_INVISIBLE}]+")
_NEWLINE = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_SPACE = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_ODD = re.compile(f"[\x0b\x0c\r\x85\u2028\u2029\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
                  f"\ud800-\udfff{_CONTROLS}{_INVISIBLE}]")
_ASCII_ODD = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def normalise(text: str) -> str:
    """`text` in Schtum's normal form (see the module docstring); idempotent."""
    if text.isascii():
        if _ASCII_ODD.search(text) is None:
            return text
    elif _ODD.search(text) is None and unicodedata.is_normalized("NFKC", text):
        return text
    # Tidy, compose, tidy again: composing can surface a character the tidy removes
    # (U+3164 becomes U+1160), and removing one can let neighbours compose.
    for _ in range(4):
        tidied = _tidy(unicodedata.normalize("NFKC", _tidy(text)))
        if tidied == text:
            break
        text = tidied
    return text


def _tidy(text: str) -> str:
    text = _SURROGATE.sub("\ufffd", text)
    text = _NEWLINE.sub("\n", text)
    text = _SPACE.sub(" ", text)
    return _DROP.sub("", text)


def has_surrogates(text: str) -> bool:
    """True if `text` holds a lone surrogate: undecodable input read with
    errors="surrogateescape", or a JSON escape like \\ud800 with no partner."""
    return not text.isascii() and _SURROGATE.search(text) is not None
