"""Live sockets end with the access they were opened with. A socket is authenticated once, when
it connects, and would otherwise go on showing customers' messages after its agent logged out,
was deactivated or lost staff status, or had their password changed (which Django treats as
"log out everywhere"). Each case closes the sockets concerned (`realtime.cut`); the page then
reloads and lands on the login page, or reconnects if its session is still good."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from inbox import realtime


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        realtime.cut(realtime.session_group(session_key))


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def _note_password_change(sender, instance, update_fields=None, **kwargs) -> None:
    changed = False
    if instance.pk is not None and (update_fields is None or "password" in update_fields):
        stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
        changed = stored is not None and stored != instance.password
    instance._inbox_password_changed = changed


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def _user_saved(sender, instance, created, **kwargs) -> None:
    if created:
        return
    if not (instance.is_active and instance.is_staff) or getattr(instance, "_inbox_password_changed", False):
        realtime.cut(realtime.user_group(instance.pk))


@receiver(post_delete, sender=settings.AUTH_USER_MODEL)
def _user_deleted(sender, instance, **kwargs) -> None:
    realtime.cut(realtime.user_group(instance.pk))
