"""HTTP byte ranges (RFC 9110 §14): which part of a file a `Range` header asks for, so audio
and video can seek. Pure: no Django, no I/O."""

from dataclasses import dataclass


class Unsatisfiable(ValueError):
    """The range is malformed or lies outside the file: answer 416."""


@dataclass(frozen=True)
class ByteRange:
    first: int
    last: int  # inclusive, as in Content-Range

    @property
    def length(self) -> int:
        return self.last - self.first + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.first}-{self.last}/{size}"


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The single byte range `header` asks for within a file of `size` bytes; None to send the
    whole file (no header, a unit other than bytes, or several ranges, which a server may answer
    in full). Raises Unsatisfiable for a malformed or out-of-file range."""
    if not header:
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes":
        return None
    if "," in spec:
        return None
    first_text, dash, last_text = spec.strip().partition("-")
    first_text, last_text = first_text.strip(), last_text.strip()
    if not dash or not _digits(first_text, last_text) or not (first_text or last_text):
        raise Unsatisfiable(header)
    if not first_text:
        # "-N": the last N bytes.
        suffix = int(last_text)
        if suffix == 0 or size == 0:
            raise Unsatisfiable(header)
        return ByteRange(max(size - suffix, 0), size - 1)
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if first > last or first >= size:
        raise Unsatisfiable(header)
    return ByteRange(first, min(last, size - 1))


def _digits(*values: str) -> bool:
    return all(value == "" or (value.isascii() and value.isdigit()) for value in values)
