"""Imports go one way, webhook → inbox: nothing under inbox/ (its tests included) may import the
webhook app, whether by an import statement or by name at run time."""

import ast
from pathlib import Path

import pytest

INBOX = Path(__file__).resolve().parents[1]
# Functions that import a module, or look up a model, given its dotted name.
BY_NAME = {"import_module", "__import__", "get_model", "get_app_config"}


def _is_webhook(name: str) -> bool:
    return name == "webhook" or name.startswith("webhook.")


def webhook_imports(source: str) -> list[int]:
    """Line numbers in `source` that import the webhook app."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import) and any(_is_webhook(alias.name) for alias in node.names):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _is_webhook(node.module or ""):
            lines.append(node.lineno)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0] if node.args else None
            if name in BY_NAME and isinstance(first, ast.Constant) and isinstance(first.value, str):
                if _is_webhook(first.value):
                    lines.append(node.lineno)
    return lines


@pytest.mark.parametrize(
    "source",
    [
        "import webhook",
        "import webhook.models as m",
        "from webhook import ingest",
        "from webhook.models import Delivery",
        "def f():\n    from webhook import replay",
        "import importlib\nimportlib.import_module('webhook.ingest')",
        "from django.apps import apps\napps.get_model('webhook', 'Delivery')",
    ],
)
def test_the_scanner_finds_each_way_of_importing_webhook(source):
    assert webhook_imports(source)


@pytest.mark.parametrize(
    "source",
    ["from inbox import webhooks", "from inbox.fake_graph import webhooks", "webhook_url = 'webhook/'"],
)
def test_the_scanner_ignores_names_that_merely_contain_webhook(source):
    assert webhook_imports(source) == []


def test_inbox_never_imports_the_webhook_app():
    files = sorted(INBOX.rglob("*.py"))
    assert len(files) > 10
    offenders = [
        f"{path.relative_to(INBOX.parent)}:{line}"
        for path in files
        for line in webhook_imports(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
