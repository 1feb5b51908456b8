"""File names for media: the customer's name made safe, a readable one when there is none, and
an unguessable stored name whose extension comes from the type, never from the customer."""

from datetime import UTC, datetime

import pytest

from inbox.media_names import clean_filename, display_filename, extension_for, storage_filename

WHEN = datetime(2025, 1, 15, 10, 30, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("Invoice March.pdf", "Invoice March.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ana\\CV.docx", "CV.docx"),
        (".htaccess", "htaccess"),
        ("  report\t\n2025 .xlsx", "report 2025 .xlsx"),
        ("evil\u202efdp.exe", "evil fdp.exe"),
        ("Factura niño 📄.pdf", "Factura niño 📄.pdf"),
        ("...", ""),
        ("", ""),
    ],
)
def test_cleans_customer_file_names(name, clean):
    assert clean_filename(name) == clean


def test_a_long_name_is_shortened_keeping_its_extension():
    cleaned = clean_filename("x" * 400 + ".pdf")

    assert len(cleaned) == 150
    assert cleaned.endswith("x.pdf")


def test_a_file_without_a_name_gets_a_readable_one():
    assert display_filename(message_type="image", mime_type="image/jpeg", filename="", timestamp=WHEN) == (
        "whatsapp-image-2025-01-15-103005.jpg"
    )


def test_a_name_without_an_extension_gets_one_from_the_type():
    name = display_filename(message_type="document", mime_type="application/pdf", filename="contract", timestamp=WHEN)

    assert name == "contract.pdf"


@pytest.mark.parametrize(
    ("mime_type", "extension"),
    [("audio/ogg; codecs=opus", ".ogg"), ("image/jpeg", ".jpg"), ("video/3gpp", ".3gp"), ("audio/amr", ".amr"),
     ("AUDIO/MPEG", ".mp3"), ("application/x-unheard-of", ".bin")],
)
def test_extensions_follow_the_mime_type(mime_type, extension):
    assert extension_for(mime_type) == extension


def test_stored_names_are_unguessable_and_typed_by_mime():
    first = storage_filename(message_pk=42, mime_type="text/html")
    second = storage_filename(message_pk=42, mime_type="text/html")

    assert first.startswith("42-") and first.endswith(".html")
    assert first != second
