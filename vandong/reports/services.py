"""Writes of the reports app: report templates, checked whole before they are
stored (the same check for the admin, the command line and the loader)."""

from django.db import transaction

from vandong.accounts.permissions import Action
from vandong.accounts.services import authorize
from vandong.core.audit import audit_record
from vandong.core.models import AuditEntry, Channel
from vandong.reports import spec as specs
from vandong.reports.errors import template_refused
from vandong.reports.models import ReportTemplate
from vandong.reports.queries import catalog, shipped_templates


def template_check(text: str) -> specs.ReportSpec:
    """The template read and checked against the catalog; DomainError names
    every problem with its line."""
    try:
        return specs.read(text, catalog())
    except specs.TemplateError as error:
        raise template_refused(error.problems) from error


@transaction.atomic
def template_save(
    *, actor: object, text: str, channel: str = Channel.WEB, edited: bool = True
) -> ReportTemplate:
    """Store a template (an administrator's edit): refused whole with every
    problem if it names an unknown figure, function or code."""
    authorize(actor=actor, action=Action.MANAGE_CATALOG, unit=None)  # type: ignore[arg-type]
    spec = template_check(text)
    stored = ReportTemplate.objects.select_for_update().filter(code=spec.code).first()
    if stored is None:
        stored = ReportTemplate.objects.create(
            code=spec.code,
            version=spec.version,
            name=spec.name,
            text=text,
            edited=edited,
        )
        audit_record(
            actor=actor,  # type: ignore[arg-type]
            channel=channel,
            action=AuditEntry.Action.CREATE,
            entity="reports.ReportTemplate",
            entity_id=stored.code,
            new={"version": spec.version, "text": text},
        )
        return stored
    old = {"version": stored.version, "text": stored.text}
    stored.version, stored.name, stored.text, stored.edited = (
        spec.version,
        spec.name,
        text,
        edited,
    )
    stored.full_clean()
    stored.save(update_fields=["version", "name", "text", "edited", "updated_at"])
    audit_record(
        actor=actor,  # type: ignore[arg-type]
        channel=channel,
        action=AuditEntry.Action.UPDATE,
        entity="reports.ReportTemplate",
        entity_id=stored.code,
        old=old,
        new={"version": spec.version, "text": text},
    )
    return stored


def templates_load(*, actor: object = None) -> dict[str, int]:
    """Store the shipped templates: a new code is added, a higher version
    replaces the stored one, the same version keeps an administrator's edit."""
    counts = {"created": 0, "replaced": 0, "unchanged": 0}
    stored = {t.code: t for t in ReportTemplate.objects.all()}
    for code, shipped in shipped_templates().items():
        current = stored.get(code)
        if current is not None and current.version >= shipped.version:
            counts["unchanged"] += 1
            continue
        template_save(
            actor=actor, text=shipped.text, channel=Channel.SYSTEM, edited=False
        )
        counts["created" if current is None else "replaced"] += 1
    return counts
