"""Approval of a (data set, unit, period): draft → submitted → approved, and back.

- submit (draft → submitted): SUBMIT on the unit; every required element has a
  value and no error-severity rule on the form's elements is violated;
- approve (submitted → approved): APPROVE from a role held on a unit strictly
  above (a commune officer approves the commune's villages, a district or
  province officer the communes, an administrator anything); approved values
  are read-only;
- reopen (submitted or approved → draft): the same approvers.

Each step locks the unit then the approval row (`locks.lock_approval`) and
leaves an audit entry (`core.audit.audit_record`, entity "collect.approval").
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from vandong.accounts.permissions import Action, role_allows
from vandong.accounts.queries import Actor, can, in_scope, roles_for
from vandong.accounts.services import authorize
from vandong.catalog.models import DataSet, DataSetElement, Period, ValidationRule
from vandong.collect import locks
from vandong.collect.errors import CollectErrorCode
from vandong.collect.models import Approval, ApprovalState, DataValue
from vandong.collect.validation import violations_for
from vandong.core.audit import audit_record
from vandong.core.errors import DomainError, RowError
from vandong.core.models import AuditEntry, Channel
from vandong.geo.models import Unit

STATE_VI = {
    ApprovalState.DRAFT: "nháp",
    ApprovalState.SUBMITTED: "đã gửi duyệt",
    ApprovalState.APPROVED: "đã phê duyệt",
}


def _where(data_set: DataSet, unit: Unit, period: Period) -> tuple[str, str]:
    return (
        f"biểu “{data_set.name_vi}” của {unit.name} ({unit.code}) kỳ {period.code}",
        f"the data set '{data_set.code}' of {unit.name} ({unit.code}) for {period.code}",
    )


def _check_fits(data_set: DataSet, unit: Unit, period: Period) -> None:
    if unit.level != data_set.level or not unit.is_valid_on(period.end):
        raise DomainError(
            CollectErrorCode.MISMATCH,
            f"{unit.name} ({unit.code}) không báo cáo biểu “{data_set.name_vi}” kỳ "
            f"{period.code}: biểu dành cho đơn vị khác cấp, hoặc đơn vị không còn "
            "tồn tại vào cuối kỳ.",
            f"{unit.name} ({unit.code}) does not report the data set '{data_set.code}' "
            f"for {period.code}: the set is for another level, or the unit does not "
            "exist at the end of the period.",
        )


def may_approve(*, actor: Actor, unit: Unit) -> bool:
    """Whether `actor` holds APPROVE for `unit` on a unit strictly above it
    (the system and administrators of the whole country always do)."""
    if actor is None or can(actor=actor, action=Action.APPROVE, unit=None):
        return True
    return any(
        assignment.unit is not None
        and assignment.unit.pk != unit.pk
        and unit.path.startswith(assignment.unit.path)
        and role_allows(assignment.role, Action.APPROVE, unit.level)
        for assignment in roles_for(actor=actor)
    )


def _authorize_above(actor: Actor, unit: Unit) -> None:
    if may_approve(actor=actor, unit=unit):
        return
    if not in_scope(actor=actor, action=Action.VIEW, unit=unit):
        raise DomainError(
            CollectErrorCode.OUT_OF_SCOPE,
            f"{unit.name} ({unit.code}) nằm ngoài phạm vi được phân quyền của bạn.",
            f"{unit.name} ({unit.code}) is outside your scope.",
        )
    raise DomainError(
        CollectErrorCode.NOT_ALLOWED,
        f"Chỉ cấp trên của {unit.name} ({unit.code}) có quyền phê duyệt mới được "
        "phê duyệt hoặc mở lại số liệu của đơn vị này.",
        f"Only an approver above {unit.name} ({unit.code}) may approve or reopen "
        "its data.",
    )


def _conflict(
    data_set: DataSet,
    unit: Unit,
    period: Period,
    state: str,
    step_vi: str,
    step_en: str,
) -> DomainError:
    where_vi, where_en = _where(data_set, unit, period)
    return DomainError(
        CollectErrorCode.CONFLICT,
        f"Không thể {step_vi} {where_vi}: biểu đang ở trạng thái “{STATE_VI[ApprovalState(state)]}”.",
        f"Cannot {step_en} {where_en}: it is {state}.",
    )


def _move(
    *,
    actor: Actor,
    approval: Approval | None,
    data_set: DataSet,
    unit: Unit,
    period: Period,
    state: str,
    channel: str,
) -> Approval:
    user = actor if isinstance(actor, AbstractBaseUser) else None
    old = approval.state if approval is not None else ApprovalState.DRAFT
    now = timezone.now()
    if approval is None:
        approval = Approval.objects.create(
            data_set=data_set,
            unit=unit,
            period=period,
            state=state,
            updated_at=now,
            updated_by_id=user.pk if user is not None else None,
        )
        action = AuditEntry.Action.CREATE
    else:
        approval.state = state
        approval.updated_at = now
        approval.updated_by_id = user.pk if user is not None else None
        approval.save(update_fields=["state", "updated_at", "updated_by"])
        action = AuditEntry.Action.UPDATE
    audit_record(
        actor=user,
        channel=channel,
        action=action,
        entity="collect.approval",
        entity_id=approval.pk,
        old={"state": old},
        new={"state": state},
        note=f"{data_set.code} {unit.code} {period.code}",
    )
    return approval


def _check_complete(data_set: DataSet, unit: Unit, period: Period) -> None:
    required = list(
        DataSetElement.objects.filter(data_set=data_set, is_required=True)
        .exclude(
            data_element_id__in=DataValue.objects.filter(
                unit=unit, period=period
            ).values("data_element_id")
        )
        .select_related("data_element")
        .order_by("order", "id")
    )
    if not required:
        return
    where_vi, where_en = _where(data_set, unit, period)
    raise DomainError(
        CollectErrorCode.INCOMPLETE,
        f"Chưa gửi được {where_vi}: còn {len(required)} chỉ tiêu bắt buộc chưa nhập.",
        f"Cannot submit {where_en}: {len(required)} required "
        f"{'value is' if len(required) == 1 else 'values are'} missing.",
        rows=[
            RowError(
                row=0,
                field="value",
                message_vi=f"Chưa nhập “{m.data_element.name_vi}”.",
                message_en=f"'{m.data_element.name_en}' has no value.",
                unit=unit.code,
                element=m.data_element.code,
            )
            for m in required
        ],
    )


def _check_rules(data_set: DataSet, unit: Unit, period: Period) -> None:
    codes = set(data_set.elements.values_list("code", flat=True))
    errors = [
        v
        for v in violations_for(unit_ids=[unit.pk], period_ids=[period.pk])
        if v.severity == ValidationRule.Severity.ERROR
        and codes.intersection(v.element_codes)
    ]
    if not errors:
        return
    where_vi, where_en = _where(data_set, unit, period)
    raise DomainError(
        CollectErrorCode.VALIDATION_FAILED,
        f"Chưa gửi được {where_vi}: số liệu vi phạm {len(errors)} quy tắc kiểm tra.",
        f"Cannot submit {where_en}: the values break {len(errors)} validation "
        f"{'rule' if len(errors) == 1 else 'rules'}.",
        rows=[
            RowError(
                row=0,
                field="value",
                message_vi=v.message_vi,
                message_en=v.message_en,
                unit=unit.code,
                element=next((c for c in v.element_codes if c in codes), ""),
            )
            for v in errors
        ],
    )


@transaction.atomic
def approval_submit(
    *,
    actor: Actor,
    data_set: DataSet,
    unit: Unit,
    period: Period,
    channel: str = Channel.WEB,
) -> Approval:
    """Submit a draft for approval (see the module docstring)."""
    authorize(actor=actor, action=Action.SUBMIT, unit=unit)
    _check_fits(data_set, unit, period)
    approval = locks.lock_approval(data_set=data_set, unit=unit, period=period)
    state = approval.state if approval is not None else ApprovalState.DRAFT
    if state == ApprovalState.APPROVED:
        where_vi, where_en = _where(data_set, unit, period)
        raise DomainError(
            CollectErrorCode.LOCKED,
            f"{where_vi[:1].upper()}{where_vi[1:]} đã được phê duyệt.",
            f"{where_en[:1].upper()}{where_en[1:]} is already approved.",
        )
    if state != ApprovalState.DRAFT:
        raise _conflict(data_set, unit, period, state, "gửi duyệt", "submit")
    _check_complete(data_set, unit, period)
    _check_rules(data_set, unit, period)
    return _move(
        actor=actor,
        approval=approval,
        data_set=data_set,
        unit=unit,
        period=period,
        state=ApprovalState.SUBMITTED,
        channel=channel,
    )


@transaction.atomic
def approval_approve(
    *,
    actor: Actor,
    data_set: DataSet,
    unit: Unit,
    period: Period,
    channel: str = Channel.WEB,
) -> Approval:
    """Approve a submitted form; its values become read-only."""
    _authorize_above(actor, unit)
    _check_fits(data_set, unit, period)
    approval = locks.lock_approval(data_set=data_set, unit=unit, period=period)
    state = approval.state if approval is not None else ApprovalState.DRAFT
    if state != ApprovalState.SUBMITTED:
        raise _conflict(data_set, unit, period, state, "phê duyệt", "approve")
    return _move(
        actor=actor,
        approval=approval,
        data_set=data_set,
        unit=unit,
        period=period,
        state=ApprovalState.APPROVED,
        channel=channel,
    )


@transaction.atomic
def approval_reopen(
    *,
    actor: Actor,
    data_set: DataSet,
    unit: Unit,
    period: Period,
    channel: str = Channel.WEB,
) -> Approval:
    """Return a submitted or approved form to draft, so it can be changed."""
    _authorize_above(actor, unit)
    _check_fits(data_set, unit, period)
    approval = locks.lock_approval(data_set=data_set, unit=unit, period=period)
    state = approval.state if approval is not None else ApprovalState.DRAFT
    if approval is None or state == ApprovalState.DRAFT:
        raise _conflict(data_set, unit, period, state, "mở lại", "reopen")
    return _move(
        actor=actor,
        approval=approval,
        data_set=data_set,
        unit=unit,
        period=period,
        state=ApprovalState.DRAFT,
        channel=channel,
    )
