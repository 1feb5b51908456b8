"""Small but real media files for simulated customers: a JPEG photo, a one-page PDF and an
Ogg Opus voice note (silence), generated on the fly so the demo's downloads, thumbnails and
players have something genuine to work on. Pure, no Django."""

import io
import struct
import zlib

from PIL import Image, ImageDraw


def photo_jpeg(label: str = "Stain on the collar", *, colour: tuple[int, int, int] = (236, 240, 245)) -> bytes:
    """A 640×480 photo of a shirt with a stain on it."""
    image = Image.new("RGB", (640, 480), colour)
    draw = ImageDraw.Draw(image)
    draw.polygon([(170, 90), (270, 60), (370, 60), (470, 90), (560, 170), (500, 220), (460, 190), (460, 440),
                  (180, 440), (180, 190), (140, 220), (80, 170)], fill=(250, 252, 255), outline=(120, 130, 150))
    draw.polygon([(270, 60), (320, 120), (370, 60)], fill=(225, 230, 238), outline=(120, 130, 150))
    draw.ellipse((300, 120, 352, 160), fill=(150, 105, 60))
    draw.ellipse((338, 140, 362, 170), fill=(170, 125, 80))
    draw.rectangle((0, 440, 640, 480), fill=(40, 50, 60))
    draw.text((16, 452), label, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def invoice_pdf(lines: list[str] | None = None) -> bytes:
    """A one-page PDF with a few lines of text (a dry-cleaning receipt by default)."""
    lines = lines or ["Sparkle Dry Cleaners - receipt A-1042", "2 x shirt, pressed      8.00",
                      "1 x suit, dry clean     18.50", "Total                   26.50"]
    text = "BT /F1 14 Tf 72 760 Td 18 TL " + " ".join(f"({_pdf_escape(line)}) '" for line in lines) + " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text.encode("latin-1") + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# Ogg framing (RFC 3533) with Opus (RFC 7845). The Ogg CRC is CRC-32 with polynomial 0x04C11DB7,
# not reflected, initial value 0: not zlib's CRC-32, so it is computed here.
_CRC_TABLE = []
for _i in range(256):
    _r = _i << 24
    for _ in range(8):
        _r = ((_r << 1) ^ 0x04C11DB7) if _r & 0x80000000 else (_r << 1)
    _CRC_TABLE.append(_r & 0xFFFFFFFF)


def _ogg_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _CRC_TABLE[((crc >> 24) & 0xFF) ^ byte]
    return crc


def _ogg_page(packets: list[bytes], *, granule: int, serial: int, sequence: int, flags: int) -> bytes:
    segments = bytearray()
    for packet in packets:
        segments += bytes([255] * (len(packet) // 255) + [len(packet) % 255])
    header = struct.pack("<4sBBqIIIB", b"OggS", 0, flags, granule, serial, sequence, 0, len(segments))
    page = bytearray(header + segments + b"".join(packets))
    struct.pack_into("<I", page, 22, _ogg_crc(bytes(page)))
    return bytes(page)


# One 20 ms Opus frame of silence (CELT, fullband, mono).
_SILENT_FRAME = b"\xf8\xff\xfe"
_PRE_SKIP = 312


def voice_note_ogg(seconds: float = 2.0) -> bytes:
    """A valid Ogg Opus voice note of silence, as WhatsApp records them (48 kHz, mono)."""
    frames = max(1, int(seconds * 50))
    serial = zlib.crc32(b"voice-note")
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, _PRE_SKIP, 48000, 0, 0)
    tags = b"OpusTags" + struct.pack("<I", 6) + b"inbox!" + struct.pack("<I", 0)
    pages = [
        _ogg_page([head], granule=0, serial=serial, sequence=0, flags=0x02),
        _ogg_page([tags], granule=0, serial=serial, sequence=1, flags=0x00),
    ]
    sequence = 2
    for start in range(0, frames, 50):
        count = min(50, frames - start)
        last = start + count >= frames
        pages.append(
            _ogg_page(
                [_SILENT_FRAME] * count,
                granule=(start + count) * 960 + _PRE_SKIP,
                serial=serial,
                sequence=sequence,
                flags=0x04 if last else 0x00,
            )
        )
        sequence += 1
    return b"".join(pages)
