"""Data values, their audit trail, import batches and approvals.

One value per (data element, unit, period). Every create, change and delete
leaves a `DataValueAudit` row in the same transaction. Approval is kept per
(data set, unit, period); an approved data set locks its values.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vandong.catalog.models import DataElement, DataSet, Period
from vandong.core.models import Channel
from vandong.geo.models import Unit


class DataValue(models.Model):
    # Built for bulk writes (a million values a minute or faster):
    # - the key's one index (unit, period, data element) serves lookups by
    #   unit, by unit and period, and by key; no other index (deleting a
    #   user, element or period, which is rare, scans the table);
    # - no database-level foreign keys (db_constraint=False): PostgreSQL checks
    #   each one with a trigger per row (four per value, ten seconds per
    #   100,000 values at commit). The write service resolves every id in the
    #   transaction that writes it and locks the units; Django still enforces
    #   PROTECT and SET_NULL when a referenced row is deleted;
    # - on PostgreSQL, pages filled to half (migration 0002), so that an
    #   import changing every value rewrites each row on its own page without
    #   touching the index (a HOT update).
    data_element = models.ForeignKey(
        DataElement,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    period = models.ForeignKey(
        Period,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # Numbers (booleans as 1/0); `text_value` only for text elements.
    value = models.FloatField(null=True, blank=True)
    text_value = models.TextField(blank=True)
    comment = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)

    class Meta:
        ordering = ["period_id", "unit_id", "data_element_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "data_element"], name="collect_value_key_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.data_element_id}/{self.unit_id}/{self.period_id}={self.value}"


class ImportBatch(models.Model):
    """One import (file or API call): its progress, counts and errors.

    A batch runs in one transaction: it is either committed whole or not at
    all; the row records what happened and lets a page show progress.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        REJECTED = "rejected", _("Rejected")
        DRY_RUN = "dry_run", _("Checked (dry run)")
        FAILED = "failed", _("Failed")

    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    format = models.CharField(max_length=20)
    filename = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import #{self.pk} {self.format} {self.status}"


class DataValueAudit(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")

    # Indexed by key (unit, period, data element) only, and without
    # database-level foreign keys, like DataValue: a bulk import writes one
    # row per change, and every index or trigger more is paid a million times.
    # The key index keeps a value's history one index lookup away; the write
    # service inserts its audit rows in key order, leaf by leaf, where a
    # random order costs the insert half as much again.
    data_element = models.ForeignKey(
        DataElement,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    period = models.ForeignKey(
        Period,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    batch = models.ForeignKey(
        ImportBatch,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(
                fields=["unit", "period", "data_element"], name="collect_audit_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.data_element_id}/{self.unit_id}/{self.period_id}"


class ApprovalState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")


class Approval(models.Model):
    """The state of one (data set, unit, period); no row means draft."""

    data_set = models.ForeignKey(DataSet, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        max_length=10, choices=ApprovalState.choices, default=ApprovalState.DRAFT
    )
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["period_id", "unit_id", "data_set_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["data_set", "unit", "period"], name="collect_approval_key_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.data_set_id}/{self.unit_id}/{self.period_id}: {self.state}"


class ExternalMapping(models.Model):
    """An identifier of another system (DHIS2 UID or code) and the local code it stands for.

    For data values a DHIS2 data element with a category option combo (and an
    attribute option combo) may map to one local data element.
    """

    class Kind(models.TextChoices):
        DATA_ELEMENT = "data_element", _("Data element")
        ORG_UNIT = "org_unit", _("Organisation unit")
        DATA_SET = "data_set", _("Data set")
        PERIOD = "period", _("Period")

    system = models.CharField(max_length=30, default="dhis2")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    external_id = models.CharField(max_length=100)
    category_option_combo = models.CharField(max_length=100, blank=True)
    attribute_option_combo = models.CharField(max_length=100, blank=True)
    local_code = models.CharField(max_length=60)

    class Meta:
        ordering = ["system", "kind", "external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "system",
                    "kind",
                    "external_id",
                    "category_option_combo",
                    "attribute_option_combo",
                ],
                name="collect_external_mapping_uniq",
            )
        ]

    def __str__(self) -> str:
        return f"{self.system}:{self.kind}:{self.external_id} -> {self.local_code}"
