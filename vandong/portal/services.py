"""Writes of the portal: publishing a province's year (and withdrawing it),
and a citizen's petition sent through the public form.

Publishing checks the officer's role (`permissions.may_publish`) and that
every (data set, unit, period) of the province and year holding a value is
approved; a refusal lists those that are not, in Vietnamese and English.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from vandong.accounts.queries import Actor
from vandong.catalog.models import Period, PeriodKind
from vandong.core.audit import audit_record
from vandong.core.errors import DomainError, RowError
from vandong.core.models import AuditEntry, Channel
from vandong.geo.models import Level, Unit
from vandong.petitions import services as petitions
from vandong.petitions.models import Channel as PetitionChannel
from vandong.petitions.models import Petition
from vandong.portal import state
from vandong.portal.models import Publication
from vandong.portal.permissions import may_publish

NOTE_MAX = 500
# The public form's limits (the petitions service allows officers more).
TEXT_MIN = 10
TEXT_MAX = 4000


def _refuse_role(actor: Actor, province: Unit) -> None:
    if may_publish(actor=actor, province=province):
        return
    raise DomainError(
        "not_allowed",
        f"Chỉ cán bộ cấp tỉnh của {province.name} mới được công bố số liệu của tỉnh.",
        f"Only a province officer of {province.name} may publish its figures.",
    )


def _check_year(province: Unit, year: int) -> None:
    if province.level != Level.PROVINCE:
        raise DomainError(
            "invalid",
            f"{province.name} không phải đơn vị cấp tỉnh.",
            f"{province.name} is not a province.",
            field="province",
        )
    if not Period.objects.filter(code=str(year), kind=PeriodKind.YEAR).exists():
        raise DomainError(
            "invalid",
            f"Năm {year} không có trong danh mục kỳ báo cáo.",
            f"The year {year} is not a reporting period.",
            field="year",
        )
    if year > timezone.localdate().year:
        raise DomainError(
            "invalid",
            f"Năm {year} chưa tới.",
            f"The year {year} has not come yet.",
            field="year",
        )
    if province.valid_to is not None and year > province.valid_to.year:
        raise DomainError(
            "invalid",
            f"{province.name} không còn tồn tại vào năm {year}.",
            f"{province.name} no longer existed in {year}.",
            field="year",
        )


@transaction.atomic
def publish(
    *, actor: Actor, province: Unit, year: int, note: str = "", via: str = Channel.WEB
) -> Publication:
    """Publish the province's figures of `year`: refused unless every (data
    set, unit, period) of the province and year holding a value is approved."""
    _refuse_role(actor, province)
    _check_year(province, year)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(
            "invalid",
            f"Ghi chú dài quá {NOTE_MAX} ký tự.",
            f"The note is longer than {NOTE_MAX} characters.",
            field="note",
        )
    if not state.has_values(province, year):
        raise DomainError(
            "invalid",
            f"Năm {year} của {province.name} chưa có số liệu nào để công bố.",
            f"{province.name} has no figures of {year} to publish.",
            field="year",
        )
    found, total = state.gaps(province, year)
    if total:
        raise DomainError(
            "not_approved",
            f"Chưa công bố được số liệu năm {year} của {province.name}: còn {total} "
            "biểu mẫu có số liệu chưa được phê duyệt (đơn vị, biểu mẫu, kỳ) — "
            "phê duyệt hết rồi công bố lại.",
            f"Cannot publish {province.name}'s figures of {year}: {total} data "
            "set(s) holding values are not approved (unit, data set, period); "
            "approve them all, then publish again.",
            field="year",
            rows=[
                RowError(
                    row=0,
                    field="approval",
                    message_vi=g.text_vi,
                    message_en=g.text_en,
                    unit=g.unit_code,
                )
                for g in found
            ],
        )
    user = actor if getattr(actor, "is_authenticated", False) else None
    existing = Publication.objects.select_for_update().filter(
        province=province, year=year
    )
    old = existing.values("note", "published_at").first()
    publication, _created = Publication.objects.update_or_create(
        province=province,
        year=year,
        defaults={
            "published_by": user,
            "published_at": timezone.now(),
            "note": note,
        },
    )
    audit_record(
        actor=actor,
        channel=via,
        action=AuditEntry.Action.UPDATE if old else AuditEntry.Action.CREATE,
        entity="portal.publication",
        entity_id=publication.pk,
        old={"note": old["note"]} if old else None,
        new={"province": province.code, "year": year, "note": note},
        note=f"{province.code} {year}",
    )
    return publication


@transaction.atomic
def withdraw(
    *, actor: Actor, province: Unit, year: int, via: str = Channel.WEB
) -> None:
    """Take the province's year off the portal."""
    _refuse_role(actor, province)
    publication = (
        Publication.objects.select_for_update()
        .filter(province=province, year=year)
        .first()
    )
    if publication is None:
        raise DomainError(
            "not_found",
            f"Số liệu năm {year} của {province.name} chưa được công bố.",
            f"{province.name}'s figures of {year} are not published.",
            field="year",
        )
    pk = publication.pk
    publication.delete()
    audit_record(
        actor=actor,
        channel=via,
        action=AuditEntry.Action.DELETE,
        entity="portal.publication",
        entity_id=pk,
        old={"province": province.code, "year": year, "note": publication.note},
        note=f"{province.code} {year}",
    )


def petition_provinces(*, on: datetime.date | None = None) -> list[Unit]:
    """The provinces existing today: a petition's first choice."""
    day = on or timezone.localdate()
    return list(
        Unit.objects.valid_on(day).filter(level=Level.PROVINCE).order_by("path")
    )


def petition_units(province: Unit, *, on: datetime.date | None = None) -> list[Unit]:
    """The units of `province` a citizen may send a petition to: the
    province and its communes existing today."""
    day = on or timezone.localdate()
    return list(
        Unit.objects.valid_on(day)
        .filter(
            path__startswith=province.path, level__in=[Level.PROVINCE, Level.COMMUNE]
        )
        .order_by("path")
    )


def petition_submit(
    *,
    unit: Unit,
    topic: str,
    text: str,
    contact_name: str = "",
    contact_phone: str = "",
    contact_address: str = "",
) -> Petition:
    """Record a citizen's petition sent through the portal, received today
    online. The sender is not a user: the petition is recorded by the system
    (the petitions service checks the fields; the form checked the limits)."""
    text = (text or "").strip()
    if len(text) < TEXT_MIN or len(text) > TEXT_MAX:
        raise DomainError(
            "invalid",
            f"Nội dung kiến nghị cần từ {TEXT_MIN} đến {TEXT_MAX} ký tự.",
            f"The petition needs {TEXT_MIN} to {TEXT_MAX} characters.",
            field="text",
        )
    if unit.level not in (Level.PROVINCE, Level.COMMUNE) or not unit.is_valid_on(
        timezone.localdate()
    ):
        raise DomainError(
            "invalid",
            "Hãy chọn xã, phường hoặc tỉnh hiện nay.",
            "Choose a current commune, ward or province.",
            field="unit",
        )
    return petitions.petition_create(
        actor=None,
        unit=unit,
        channel=PetitionChannel.ONLINE,
        topic=topic,
        text=text,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_address=contact_address,
        via=Channel.WEB,
    )
