from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.core import clock


class AuditEvent(models.Model):
    """SEC-1/SEC-2: one write, who did it, where, and what changed.

    Events form one hash chain per center (``chain`` is the center code, or ``system``), so
    centers never wait on each other's writes and a chain can be verified on its own. The
    database refuses UPDATE and DELETE on this table (see ``servicehall.core.db``).
    """

    chain = models.CharField(_("链"), max_length=64)
    seq = models.PositiveBigIntegerField(_("序号"))
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    center_code = models.CharField(_("中心"), max_length=64, blank=True)
    action = models.CharField(_("操作"), max_length=80)
    object_type = models.CharField(_("对象类型"), max_length=80, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    ip = models.CharField(_("来源IP"), max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq_unique")]
        indexes = [models.Index(fields=["center_code", "at"])]

    def __str__(self):
        return f"{self.chain}#{self.seq} {self.action}"

    def hashed_fields(self) -> dict:
        return {
            "chain": self.chain,
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "center_code": self.center_code,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "before": self.before,
            "after": self.after,
            "ip": self.ip,
        }


class AuditHead(models.Model):
    """The last link of each chain; locked while an event is appended so links never fork."""

    chain = models.CharField(max_length=64, unique=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64, blank=True, default="")  # the last event's prev_hash

    def __str__(self):
        return f"{self.chain}@{self.seq}"


class ApiToken(models.Model):
    """A bearer token for API clients. Only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self):
        return f"{self.user} → {self.expires_at:%Y-%m-%d %H:%M}"


class LoginLock(models.Model):
    """Failed logins in a row per user name, and until when the account is locked."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.username


class Voidable(models.Model):
    """SEC-2: business records are never deleted; they are voided with a reason."""

    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_by = models.ForeignKey(  # never searched by: no index to keep up on every insert
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    void_reason = models.CharField(_("作废原因"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

    def mark_void(self, actor, reason: str) -> None:
        """Stamp the record void now, by ``actor`` (a user, or None for the system), and save
        those three fields. The calling service checks, locks and audits."""
        self.voided_at = clock.now()
        self.voided_by = actor if getattr(actor, "pk", None) else None
        self.void_reason = reason
        self.save(update_fields=["voided_at", "voided_by", "void_reason"])


class Account(models.Model):
    """A login's password state and an administrator's hold on it (one row per user, made on need).

    ``must_change_password``: an administrator set the password; the next web login goes to the
    change page first. ``held_at``: an administrator locked the account; it stays locked until an
    administrator unlocks it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, primary_key=True, related_name="account"
    )
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    held_at = models.DateTimeField(_("管理员锁定时间"), null=True, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = _("账号状态")
        verbose_name_plural = _("账号状态")

    def __str__(self):
        return str(self.user_id)


from servicehall.core import limits  # noqa: E402, F401  (every text saved has a length limit)
