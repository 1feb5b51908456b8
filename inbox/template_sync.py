"""Fetching the business account's message templates from Meta into `MessageTemplate`, so the
composer can offer the approved ones once a conversation's window has closed. Used by
`manage.py sync_templates` and the admin action."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from inbox import whatsapp
from inbox.models import MessageTemplate

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncResult:
    created: int
    updated: int
    removed: int
    approved: int

    def __str__(self) -> str:
        return (
            f"{self.created} new, {self.updated} updated, {self.removed} removed; "
            f"{self.approved} approved template(s) available to agents"
        )


class SyncError(Exception):
    pass


def sync_templates(*, waba_id: str | None = None) -> SyncResult:
    """Mirror Meta's templates for `waba_id` (default WHATSAPP_BUSINESS_ACCOUNT_ID): create and
    update by (name, language), delete the ones Meta no longer lists. Raises SyncError when the
    account is not configured and GraphError when Meta refuses; nothing changes then."""
    waba_id = waba_id or settings.WHATSAPP_BUSINESS_ACCOUNT_ID
    if not waba_id:
        raise SyncError("Set WHATSAPP_BUSINESS_ACCOUNT_ID (the WhatsApp Business Account id) to sync templates.")
    fetched = whatsapp.list_templates(waba_id)
    created = updated = 0
    seen: set[tuple[str, str]] = set()
    with transaction.atomic():
        for item in fetched:
            name, language = str(item.get("name") or ""), str(item.get("language") or "")
            if not name or not language or (name, language) in seen:
                continue
            seen.add((name, language))
            _, was_created = MessageTemplate.objects.update_or_create(
                waba_id=waba_id,
                name=name,
                language=language,
                defaults={
                    "template_id": str(item.get("id") or ""),
                    "category": str(item.get("category") or ""),
                    "status": str(item.get("status") or ""),
                    "components": item.get("components") if isinstance(item.get("components"), list) else [],
                },
            )
            created += was_created
            updated += not was_created
        stale = [
            t.pk for t in MessageTemplate.objects.filter(waba_id=waba_id) if (t.name, t.language) not in seen
        ]
        removed, _ = MessageTemplate.objects.filter(pk__in=stale).delete()
    approved = MessageTemplate.objects.filter(waba_id=waba_id, status="APPROVED").count()
    result = SyncResult(created=created, updated=updated, removed=removed, approved=approved)
    logger.info("templates synced for %s: %s", waba_id, result)
    return result
