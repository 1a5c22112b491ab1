"""Text downloads as they reach a user: UTF-8 with or without a BOM, UTF-16 (Excel's «Unicode text»),
or Windows-1251 (a Russian-locale Windows editor). The encoding is taken from the BOM, else UTF-8 when
the bytes are valid UTF-8, else Windows-1251; a parser whose expected header is then missing says which
encoding was assumed, so a file in any other encoding is refused by name, never with a traceback."""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass
from pathlib import Path

# An iblock export of every region, year and breakdown is a few MiB; a Taldau response a few KiB.
MAX_TEXT_BYTES = 256 << 20

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with BOM"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)


class TextFileError(Exception):
    """The file cannot be read as text; the message says why (size, encoding, JSON syntax)."""


@dataclass(frozen=True)
class Text:
    text: str
    encoding: str  # as a person names it: «UTF-8», «Windows-1251», …

    @property
    def assumed(self) -> bool:
        """True when no BOM or UTF-8 validity vouched for the encoding."""
        return self.encoding == "Windows-1251"

    def note(self) -> str:
        """What to add to a message about a missing header when the encoding was a guess."""
        if not self.assumed:
            return ""
        return (
            " (the file is not UTF-8, so it was read in the Windows-1251 encoding; if it is in another "
            "encoding, save it as UTF-8 and ingest it again)"
        )


def check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise TextFileError(
            f"the file is {size / (1 << 20):,.0f} MiB, more than the {MAX_TEXT_BYTES >> 20} MiB a BNS "
            "text download can be; refusing to read it"
        )


def decode(data: bytes) -> Text:
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return Text(data.decode(codec), name)
            except UnicodeDecodeError as error:
                raise TextFileError(f"starts with a {name} byte-order mark but is not valid {name}: {error}") from None
    head = data[:4096]
    if head and head.count(b"\x00") * 4 > len(head):  # UTF-16 without a BOM: every other byte is 0
        codec = "utf-16-le" if head[1::2].count(b"\x00") > head[0::2].count(b"\x00") else "utf-16-be"
        try:
            return Text(data.decode(codec), "UTF-16")
        except UnicodeDecodeError:
            raise TextFileError("holds binary data (NUL bytes), not text") from None
    try:
        text = Text(data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError:
        text = Text(data.decode("cp1251", errors="replace"), "Windows-1251")
    if "\x00" in text.text:
        raise TextFileError("holds binary data (NUL bytes), not text")
    return text


def read_text(path: Path) -> Text:
    check_size(path)
    return decode(path.read_bytes())


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    seen: dict[str, object] = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def load_json(path: Path) -> object:
    """The parsed JSON of a download; TextFileError (with line and column) when it is not valid JSON or
    gives one key twice in an object (Python would silently keep the last)."""
    text = read_text(path).text
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except _DuplicateKey as error:
        raise TextFileError(f"key {error.args[0]!r} given twice in one JSON object") from None
    except json.JSONDecodeError as error:
        raise TextFileError(
            f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}); save the response again"
        ) from None
    except RecursionError:
        raise TextFileError("JSON nested too deeply to be a Taldau response") from None
