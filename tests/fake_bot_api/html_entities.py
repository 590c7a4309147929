"""A strict parser for Telegram's HTML parse mode, modelled on tdlib's ``parse_html``.

It turns HTML into the visible text and its entities, or raises :class:`EntityParseError`
with tdlib's own wording and byte offsets, so a bot that forgets to escape user text
fails here exactly as it would against Telegram. With ``strict=True`` (the default) a
bare ``&`` that starts no entity is also rejected: Telegram shows it literally, but for
Schtum it means a fragment was not escaped, which silently changes what a user reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TAGS = frozenset(
    {"a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler",
     "tg-emoji", "span", "pre", "code", "blockquote"}
)
SIMPLE_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "tg-spoiler": "spoiler", "span": "spoiler",
}
NAMED = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}
SPACES = b" \t\r\n\f\v"


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; ``str(err)`` is tdlib's message."""


@dataclass
class ParsedText:
    """Visible text and Bot API entity dicts (offsets in UTF-16 code units)."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length as Telegram counts offsets and limits: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _decode_entity(data: bytes, pos: int) -> tuple[str, int] | None:
    """Decode the character entity at ``data[pos] == '&'``; None if it is not one."""
    end = pos + 1
    if data[end : end + 1] == b"#":
        end += 1
        hexa = data[end : end + 1] in (b"x", b"X")
        end += hexa
        digits = b"0123456789abcdefABCDEF" if hexa else b"0123456789"
        start = end
        while end < len(data) and data[end] in digits:
            end += 1
        if end == start or end - start >= 10:
            return None
        code = int(data[start:end], 16 if hexa else 10)
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        char = chr(code)
    else:
        start = end
        while end < len(data) and chr(data[end]).isascii() and chr(data[end]).isalpha():
            end += 1
        if data[start:end] not in NAMED:
            return None
        char = NAMED[data[start:end]]
    return char, end + 1 if data[end : end + 1] == b";" else end


class _Parser:
    """One pass over the UTF-8 bytes, as tdlib does, so byte offsets match Telegram's."""

    def __init__(self, html: str, strict: bool) -> None:
        self.data = html.encode("utf-8")
        self.strict = strict
        self.out: list[str] = []
        self.offset = 0  # UTF-16 offset of the visible text so far
        self.open: list[tuple[str, str, int, int]] = []  # tag, argument, offset, out index
        self.entities: list[dict[str, Any]] = []

    def at(self, i: int) -> int:
        return self.data[i] if i < len(self.data) else 0

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.offset += utf16_len(text)

    def parse(self) -> ParsedText:
        i, n = 0, len(self.data)
        while i < n:
            c = self.data[i]
            if c == ord("&"):
                decoded = _decode_entity(self.data, i)
                if decoded is not None:
                    self.emit(decoded[0])
                    i = decoded[1]
                    continue
                if self.strict:
                    raise EntityParseError(f'Unescaped "&" at byte offset {i}')
            if c != ord("<"):
                j = i + 1
                while j < n and self.data[j] not in b"<&":
                    j += 1
                self.emit(self.data[i:j].decode("utf-8"))
                i = j
                continue
            i = self.end_tag(i) if self.at(i + 1) == ord("/") else self.start_tag(i)
        if self.open:
            raise EntityParseError(
                f'Can\'t find end tag corresponding to start tag "{self.open[-1][0]}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return ParsedText("".join(self.out), self.entities)

    def start_tag(self, begin: int) -> int:
        i = begin + 1
        while self.at(i) and self.at(i) not in SPACES and self.at(i) != ord(">"):
            i += 1
        if not self.at(i):
            raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
        tag = self.data[begin + 1 : i].decode("utf-8", "replace").lower()
        if tag not in TAGS:
            raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
        argument = ""
        while self.at(i) != ord(">"):
            i, name, value = self.attribute(i, tag, begin)
            if name is None:
                continue
            argument = self.argument_for(tag, name, value, argument)
        if tag == "span" and argument != "spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {begin}'
            )
        self.open.append((tag, argument, self.offset, len(self.out)))
        return i + 1

    def attribute(self, i: int, tag: str, begin: int) -> tuple[int, str | None, str]:
        """Read one ``name=value`` (or ``expandable``) at ``i``; None name at the ``>``."""
        while self.at(i) and self.at(i) in SPACES:
            i += 1
        if self.at(i) == ord(">"):
            return i, None, ""
        start = i
        while self.at(i) and self.at(i) not in SPACES and self.at(i) not in b"=>":
            i += 1
        name = self.data[start:i].decode("utf-8", "replace").lower()
        if not name:
            raise EntityParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {begin}'
            )
        while self.at(i) and self.at(i) in SPACES:
            i += 1
        if self.at(i) != ord("="):
            if tag == "blockquote" and name == "expandable" and self.at(i):
                return i, name, ""
            raise EntityParseError(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag}" at byte offset {begin}'
            )
        i += 1
        while self.at(i) and self.at(i) in SPACES:
            i += 1
        if not self.at(i):
            raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
        i, value = self.attribute_value(i)
        if not self.at(i):
            raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
        return i, name, value

    def attribute_value(self, i: int) -> tuple[int, str]:
        quote = self.at(i)
        if quote not in (ord("'"), ord('"')):
            start = i
            while self.at(i) and (chr(self.at(i)).isalnum() and self.at(i) < 128
                                  or self.at(i) in b".-"):
                i += 1
            if self.at(i) and self.at(i) not in SPACES and self.at(i) != ord(">"):
                raise EntityParseError(f"Unexpected end of name token at byte offset {start}")
            return i, self.data[start:i].decode().lower()
        i += 1
        parts: list[str] = []
        start = i
        while self.at(i) and self.at(i) != quote:
            decoded = _decode_entity(self.data, i) if self.at(i) == ord("&") else None
            if decoded is not None:
                parts.append(self.data[start:i].decode("utf-8", "replace") + decoded[0])
                i = start = decoded[1]
            else:
                i += 1
        parts.append(self.data[start:i].decode("utf-8", "replace"))
        return (i + 1 if self.at(i) == quote else i), "".join(parts)

    @staticmethod
    def argument_for(tag: str, name: str, value: str, current: str) -> str:
        if tag == "a" and name == "href":
            return value
        if tag == "code" and name == "class" and value.startswith("language-"):
            return value[len("language-") :]
        if tag == "span" and name == "class" and value.startswith("tg-"):
            return value[len("tg-") :]
        if tag == "tg-emoji" and name == "emoji-id":
            return value
        if tag == "blockquote" and name == "expandable":
            return "expandable"
        return current

    def end_tag(self, begin: int) -> int:
        if not self.open:
            raise EntityParseError(f"Unexpected end tag at byte offset {begin}")
        i = begin + 2
        while self.at(i) and self.at(i) not in SPACES and self.at(i) != ord(">"):
            i += 1
        name = self.data[begin + 2 : i].decode("utf-8", "replace").lower()
        while self.at(i) and self.at(i) in SPACES:
            i += 1
        if self.at(i) != ord(">"):
            raise EntityParseError(f"Unclosed end tag at byte offset {begin}")
        tag, argument, offset, out_index = self.open.pop()
        if name and name != tag:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{tag}>", found "</{name}>"'
            )
        if self.offset > offset:
            self.add_entity(tag, argument, offset, "".join(self.out[out_index:]))
        return i + 1

    def add_entity(self, tag: str, argument: str, offset: int, inner: str) -> None:
        entity: dict[str, Any] = {"offset": offset, "length": self.offset - offset}
        if tag in SIMPLE_TYPES:
            entity["type"] = SIMPLE_TYPES[tag]
        elif tag == "blockquote":
            entity["type"] = "expandable_blockquote" if argument else "blockquote"
        elif tag == "tg-emoji":
            if not argument.isdigit() or int(argument) == 0:
                raise EntityParseError("Invalid custom emoji identifier specified")
            entity.update(type="custom_emoji", custom_emoji_id=argument)
        elif tag == "a":
            entity.update(type="text_link", url=argument or inner)
        elif tag in ("pre", "code") and self._merged_into_pre(entity, argument):
            return
        else:
            entity["type"] = tag
            if tag == "code" and argument:
                entity["language"] = argument
        self.entities.append(entity)

    def _merged_into_pre(self, entity: dict[str, Any], language: str) -> bool:
        """``<pre><code class="language-x">`` is one pre entity with a language."""
        last = self.entities[-1] if self.entities else None
        if last is None or (last["offset"], last["length"]) != (entity["offset"], entity["length"]):
            return False
        if last["type"] == "code" and "language" in last:  # closing <pre> around it
            last["type"] = "pre"
            return True
        if last["type"] == "pre" and language:  # closing <code class=...> around it
            last["language"] = language
            return True
        return False


def parse_html(html: str, *, strict: bool = True) -> ParsedText:
    """Parse Telegram HTML into visible text and entities, or raise EntityParseError."""
    return _Parser(html, strict).parse()
