"""The follow-up workflow petitions and recommendations share.

    received ──assign──▶ assigned ──answer──▶ answered ──close──▶ closed
        │                  │  ▲
        └──reject──▶ rejected ◀┘  └ assign again (another body or deadline)

`apply` checks that a step is legal now and that its fields make sense, and
sets them on the item; it touches no database (the services save, keep the
history row and audit). An assigned item whose deadline has passed and that
has no answer yet is overdue.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from vandong.core.errors import DomainError
from vandong.petitions.errors import PetitionsErrorCode, invalid, required_text
from vandong.petitions.models import (
    CarriedOut,
    Petition,
    Recommendation,
    Satisfaction,
    Status,
)

Item = Petition | Recommendation


class Step:
    ASSIGN = "assign"
    ANSWER = "answer"
    CLOSE = "close"
    REJECT = "reject"


STEPS = (Step.ASSIGN, Step.ANSWER, Step.CLOSE, Step.REJECT)

# The statuses each step may start from, and the status it leads to.
FROM: dict[str, frozenset[str]] = {
    Step.ASSIGN: frozenset({Status.RECEIVED, Status.ASSIGNED}),
    Step.ANSWER: frozenset({Status.ASSIGNED}),
    Step.CLOSE: frozenset({Status.ANSWERED}),
    Step.REJECT: frozenset({Status.RECEIVED, Status.ASSIGNED}),
}
TO: dict[str, str] = {
    Step.ASSIGN: Status.ASSIGNED,
    Step.ANSWER: Status.ANSWERED,
    Step.CLOSE: Status.CLOSED,
    Step.REJECT: Status.REJECTED,
}

STATUS_VI: dict[str, str] = {
    Status.RECEIVED: "đã tiếp nhận",
    Status.ASSIGNED: "đã chuyển xử lý",
    Status.ANSWERED: "đã trả lời",
    Status.CLOSED: "đã kết thúc",
    Status.REJECTED: "đã từ chối",
}
STEP_VI: dict[str, str] = {
    Step.ASSIGN: "chuyển xử lý",
    Step.ANSWER: "ghi câu trả lời cho",
    Step.CLOSE: "kết thúc",
    Step.REJECT: "từ chối",
}
STEP_EN: dict[str, str] = {
    Step.ASSIGN: "assign",
    Step.ANSWER: "answer",
    Step.CLOSE: "close",
    Step.REJECT: "reject",
}
BODY_MAX = 200


def noun(item: Item) -> tuple[str, str]:
    """What the item is called in messages (Vietnamese, English)."""
    if isinstance(item, Petition):
        return "kiến nghị", "petition"
    return "kiến nghị sau giám sát", "recommendation"


def start_date(item: Item) -> datetime.date:
    """The day the item arose: a petition received, a supervision held."""
    if isinstance(item, Petition):
        return item.received_on
    return item.supervision.held_on


def allowed_steps(status: str) -> list[str]:
    """The steps that may be taken from `status`, in workflow order."""
    return [step for step in STEPS if status in FROM[step]]


def overdue_q(today: datetime.date, prefix: str = "") -> Q:
    """Assigned, not answered, and the deadline has passed."""
    return Q(**{f"{prefix}status": Status.ASSIGNED, f"{prefix}deadline__lt": today})


def is_overdue(item: Item, today: datetime.date) -> bool:
    return (
        item.status == Status.ASSIGNED
        and item.deadline is not None
        and item.deadline < today
    )


def days_overdue(item: Item, today: datetime.date) -> int:
    if not is_overdue(item, today) or item.deadline is None:
        return 0
    return (today - item.deadline).days


@dataclass
class Change:
    """What a step changed: the fields to save and what the history keeps."""

    step: str
    from_status: str
    to_status: str
    on: datetime.date
    fields: list[str]
    detail: dict[str, Any]


def _check_legal(item: Item, step: str) -> None:
    if step not in FROM:
        raise invalid("step", f"Không có bước “{step}”.", f"No such step: “{step}”.")
    if item.status in FROM[step]:
        return
    noun_vi, noun_en = noun(item)
    status_vi = STATUS_VI.get(item.status, item.status)
    if step == Step.CLOSE and item.status in (Status.RECEIVED, Status.ASSIGNED):
        raise DomainError(
            PetitionsErrorCode.ILLEGAL_TRANSITION,
            f"Chưa thể kết thúc {noun_vi} chưa được trả lời "
            f"(đang ở trạng thái “{status_vi}”): hãy ghi câu trả lời trước.",
            f"A {noun_en} cannot be closed before it is answered "
            f"(it is “{item.status}”): record the answer first.",
            field="status",
        )
    raise DomainError(
        PetitionsErrorCode.ILLEGAL_TRANSITION,
        f"Không thể {STEP_VI[step]} {noun_vi} đang ở trạng thái “{status_vi}”.",
        f"A {noun_en} that is “{item.status}” cannot be {_past(step)}.",
        field="status",
    )


def _past(step: str) -> str:
    return {"assign": "assigned", "answer": "answered", "close": "closed"}.get(
        step, "rejected"
    )


def _check_day(
    item: Item, on: datetime.date, today: datetime.date, after: datetime.date | None
) -> None:
    if on > today:
        raise invalid(
            "on",
            f"Ngày {on:%d/%m/%Y} chưa tới.",
            f"{on.isoformat()} is in the future.",
        )
    earliest = max(d for d in (start_date(item), after) if d is not None)
    if on < earliest:
        raise invalid(
            "on",
            f"Ngày {on:%d/%m/%Y} sớm hơn bước trước ({earliest:%d/%m/%Y}).",
            f"{on.isoformat()} is before the previous step ({earliest.isoformat()}).",
        )


def apply(
    item: Item,
    step: str,
    *,
    on: datetime.date,
    today: datetime.date,
    body: str = "",
    deadline: datetime.date | None = None,
    answer: str = "",
    answered_by: str = "",
    outcome: str = "",
    reason: str = "",
) -> Change:
    """Take `step` on `item` (in memory) or raise DomainError, in both languages."""
    _check_legal(item, step)
    from_status = item.status
    detail: dict[str, Any] = {}
    if step == Step.ASSIGN:
        _check_day(item, on, today, None)
        item.body = required_text(
            body, "body", "cơ quan giải quyết", "responsible body", BODY_MAX
        )
        if deadline is None:
            raise invalid("deadline", "Cần ghi hạn trả lời.", "A deadline is required.")
        if deadline < on:
            raise invalid(
                "deadline",
                f"Hạn trả lời {deadline:%d/%m/%Y} sớm hơn ngày chuyển {on:%d/%m/%Y}.",
                f"The deadline {deadline.isoformat()} is before the day it was "
                f"assigned ({on.isoformat()}).",
            )
        item.deadline = deadline
        item.assigned_on = on
        fields = ["body", "deadline", "assigned_on"]
        detail = {"body": item.body, "deadline": deadline.isoformat()}
    elif step == Step.ANSWER:
        _check_day(item, on, today, item.assigned_on)
        item.answer = required_text(
            answer, "answer", "nội dung trả lời", "answer", 10_000
        )
        item.answered_by = required_text(
            answered_by or item.body,
            "answered_by",
            "cơ quan trả lời",
            "answering body",
            BODY_MAX,
        )
        item.answered_on = on
        fields = ["answer", "answered_by", "answered_on"]
        detail = {"answered_by": item.answered_by, "answer": item.answer}
    elif step == Step.CLOSE:
        _check_day(item, on, today, item.answered_on)
        fields = [_close_outcome(item, outcome), "closed_on"]
        item.closed_on = on
        detail = {fields[0]: outcome}
    else:
        _check_day(item, on, today, item.assigned_on)
        item.reject_reason = required_text(
            reason, "reason", "lý do từ chối", "reason for rejection", 2000
        )
        item.rejected_on = on
        fields = ["reject_reason", "rejected_on"]
        detail = {"reason": item.reject_reason}
    item.status = TO[step]
    return Change(
        step=step,
        from_status=from_status,
        to_status=item.status,
        on=on,
        fields=["status", *fields],
        detail=detail,
    )


def _close_outcome(item: Item, outcome: str) -> str:
    """Set the citizen's satisfaction (petition) or whether the recommendation
    was carried out; return the field's name."""
    if isinstance(item, Petition):
        if outcome not in Satisfaction.values:
            raise invalid(
                "outcome",
                "Cần ghi mức độ hài lòng của người dân.",
                "Record the citizen's satisfaction "
                "(satisfied, partly, not_satisfied or unknown).",
            )
        item.satisfaction = outcome
        return "satisfaction"
    if outcome not in CarriedOut.values:
        raise invalid(
            "outcome",
            "Cần ghi kiến nghị đã được thực hiện hay chưa.",
            "Record whether the recommendation was carried out "
            "(yes, partly, no or unknown).",
        )
    item.carried_out = outcome
    return "carried_out"
