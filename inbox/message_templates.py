"""Approved message templates: their variables, the preview an agent sees, and the components
Meta expects when one is sent. Pure functions over `MessageTemplate.components` (Meta's JSON)."""

import re
from dataclasses import dataclass

from inbox.models import MessageTemplate

APPROVED = "APPROVED"
VARIABLE = re.compile(r"{{\s*(\w+)\s*}}")
# Components whose text may hold variables; Meta numbers them per component.
VARIABLE_COMPONENTS = ("HEADER", "BODY")


@dataclass(frozen=True)
class Variable:
    component: str  # "header" or "body"
    name: str  # "1", "2", ... or a named parameter such as "customer_name"
    example: str = ""

    @property
    def key(self) -> str:
        """The form field name that carries its value."""
        return f"var-{self.component}-{self.name}"

    @property
    def label(self) -> str:
        return f"{self.component.title()} {{{{{self.name}}}}}"


def approved() -> list[MessageTemplate]:
    return list(MessageTemplate.objects.filter(status=APPROVED).order_by("name", "language"))


def _text_components(template: MessageTemplate) -> list[dict]:
    return [
        c
        for c in template.components or []
        if isinstance(c, dict)
        and str(c.get("type", "")).upper() in VARIABLE_COMPONENTS
        and str(c.get("format", "TEXT")).upper() == "TEXT"
        and c.get("text")
    ]


def _examples(component: dict) -> dict[str, str]:
    example = component.get("example") if isinstance(component.get("example"), dict) else {}
    found: dict[str, str] = {}
    for values in example.get("body_text") or []:
        found.update({str(i): str(v) for i, v in enumerate(values, start=1)})
    for i, value in enumerate(example.get("header_text") or [], start=1):
        found[str(i)] = str(value)
    for named in (example.get("body_text_named_params") or []) + (example.get("header_text_named_params") or []):
        if isinstance(named, dict):
            found[str(named.get("param_name"))] = str(named.get("example", ""))
    return found


def variables(template: MessageTemplate) -> list[Variable]:
    """Every variable to fill, in the order they appear (a repeated one only once)."""
    found: list[Variable] = []
    for component in _text_components(template):
        kind = str(component["type"]).lower()
        examples = _examples(component)
        for name in dict.fromkeys(VARIABLE.findall(component["text"])):
            found.append(Variable(component=kind, name=name, example=examples.get(name, "")))
    return found


def missing(template: MessageTemplate, values: dict[str, str]) -> list[Variable]:
    return [v for v in variables(template) if not values.get(v.key, "").strip()]


def _fill(text: str, component: str, values: dict[str, str]) -> str:
    return VARIABLE.sub(lambda m: values.get(f"var-{component}-{m.group(1)}", "").strip() or m.group(0), text)


def render(template: MessageTemplate, values: dict[str, str]) -> str:
    """The text the customer will read, variables filled in (unfilled ones stay `{{n}}`)."""
    lines = []
    for component in template.components or []:
        if not isinstance(component, dict) or not component.get("text"):
            continue
        kind = str(component.get("type", "")).upper()
        if kind in VARIABLE_COMPONENTS:
            lines.append(_fill(component["text"], kind.lower(), values))
        elif kind == "FOOTER":
            lines.append(component["text"])
    return "\n\n".join(lines)


def buttons(template: MessageTemplate) -> list[str]:
    for component in template.components or []:
        if isinstance(component, dict) and str(component.get("type", "")).upper() == "BUTTONS":
            return [str(b.get("text", "")) for b in component.get("buttons") or [] if isinstance(b, dict)]
    return []


def send_components(template: MessageTemplate, values: dict[str, str]) -> list[dict]:
    """The `template.components` of a send: one entry per component with variables."""
    named = _parameter_format(template) == "NAMED"
    result = []
    for component in _text_components(template):
        kind = str(component["type"]).lower()
        parameters = []
        for name in dict.fromkeys(VARIABLE.findall(component["text"])):
            parameter = {"type": "text", "text": values.get(f"var-{kind}-{name}", "").strip()}
            if named:
                parameter["parameter_name"] = name
            parameters.append(parameter)
        if parameters:
            result.append({"type": kind, "parameters": parameters})
    return result


def _parameter_format(template: MessageTemplate) -> str:
    """Named parameters are words, positional ones numbers (Meta's `parameter_format`)."""
    names = [v.name for v in variables(template)]
    return "NAMED" if names and not all(n.isdigit() for n in names) else "POSITIONAL"
