"""CONSTRUCTED SAMPLE petitions and supervision activities for the demo — not real.

Lai Châu's communes and villages (whichever existed on the day) receive a
few petitions a month across 2021-2026, drawn by a seeded generator from
short made-up texts per topic; older ones are mostly answered and closed,
some are rejected, and some assigned ones are left unanswered past their
deadline so that the overdue lists and counts have something to show. A few
supervision and social-criticism activities carry recommendations that
follow the same workflow. Every record goes through the services (history
and audit rows included, by the system) and is marked `is_sample`; the pages
say so. Contacts are placeholders, not people.
"""

import datetime
import random
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from vandong.geo.models import Level, Unit
from vandong.petitions import services
from vandong.petitions.models import Petition

Progress = Callable[[str], None]

LAI_CHAU = "12"
FIRST_YEAR = 2021
PER_YEAR = 24
SEED = 20250701

TEXTS: dict[str, list[str]] = {
    "land": [
        "Đề nghị sớm cấp giấy chứng nhận quyền sử dụng đất cho các hộ đã đủ điều kiện.",
        "Đề nghị làm rõ ranh giới đất sản xuất giữa hai bản.",
        "Đề nghị xem xét mức bồi thường khi thu hồi đất làm đường.",
    ],
    "infrastructure": [
        "Đề nghị sửa chữa đoạn đường liên bản bị sạt lở sau mưa lũ.",
        "Đề nghị đầu tư hệ thống nước sinh hoạt tập trung cho bản.",
        "Đề nghị lắp đặt đèn chiếu sáng trên đường trục chính.",
        "Đề nghị nâng cấp nhà văn hóa bản đã xuống cấp.",
    ],
    "environment": [
        "Đề nghị bố trí điểm tập kết và thu gom rác thải định kỳ.",
        "Đề nghị kiểm tra cơ sở chăn nuôi gây ô nhiễm nguồn nước.",
    ],
    "social_policy": [
        "Đề nghị rà soát lại danh sách hộ nghèo, hộ cận nghèo.",
        "Đề nghị hỗ trợ nhà ở cho hộ gia đình có hoàn cảnh khó khăn.",
        "Đề nghị giải quyết chế độ bảo hiểm y tế cho người cao tuổi.",
    ],
    "security": [
        "Đề nghị tăng cường tuần tra, xử lý tình trạng trộm cắp vặt.",
        "Đề nghị xử lý xe chở quá tải làm hỏng đường.",
    ],
    "administration": [
        "Đề nghị rút ngắn thời gian giải quyết thủ tục hành chính tại bộ phận một cửa.",
        "Đề nghị công khai các khoản thu, chi tại thôn, bản.",
    ],
    "other": ["Đề nghị tổ chức lớp tập huấn kỹ thuật trồng cây ăn quả."],
}
BODIES: dict[str, str] = {
    "land": "Phòng Nông nghiệp và Môi trường",
    "infrastructure": "UBND xã",
    "environment": "UBND xã",
    "social_policy": "Phòng Văn hóa - Xã hội",
    "security": "Công an xã",
    "administration": "UBND xã",
    "other": "UBND xã",
}
ANSWERS = [
    "Đã đưa vào kế hoạch và bố trí kinh phí thực hiện trong năm.",
    "Đã kiểm tra thực tế và giải quyết theo quy định.",
    "Đã chỉ đạo các bộ phận chuyên môn xử lý; kết quả được thông báo tại hội nghị bản.",
    "Nội dung kiến nghị đang được xem xét trong quy hoạch chung của xã.",
]
REJECT_REASONS = [
    "Nội dung trùng với kiến nghị đã được trả lời trước đó.",
    "Không thuộc thẩm quyền giải quyết; đã hướng dẫn người dân gửi đúng cơ quan.",
]
CHANNELS = ["voter_meeting", "dialogue", "mailbox", "reception", "online"]
SATISFACTIONS = ["satisfied", "satisfied", "partly", "not_satisfied", "unknown"]
SUPERVISIONS = [
    (
        "supervision",
        "Giám sát việc thực hiện chính sách hỗ trợ nhà ở cho hộ nghèo",
        [
            "Rà soát, bổ sung các hộ đủ điều kiện còn sót.",
            "Công khai danh sách và mức hỗ trợ tại nhà văn hóa bản.",
        ],
    ),
    (
        "criticism",
        "Góp ý dự thảo quy hoạch xây dựng nông thôn mới của xã",
        [
            "Bổ sung quỹ đất cho khu thể thao của các bản.",
            "Lấy ý kiến nhân dân các bản bị ảnh hưởng trước khi phê duyệt.",
            "Làm rõ nguồn vốn đối ứng của người dân.",
        ],
    ),
    (
        "supervision",
        "Giám sát việc thu, chi các khoản đóng góp tự nguyện xây dựng đường giao thông",
        ["Công khai quyết toán công trình tại hội nghị bản."],
    ),
    (
        "supervision",
        "Giám sát giải quyết kiến nghị của cử tri sau kỳ họp",
        [
            "Trả lời dứt điểm các kiến nghị tồn đọng về đất đai.",
            "Báo cáo kết quả giải quyết tại kỳ họp tiếp theo.",
        ],
    ),
    (
        "criticism",
        "Góp ý dự thảo đề án phát triển sản phẩm OCOP giai đoạn 2026-2030",
        ["Ưu tiên hỗ trợ các hợp tác xã của đồng bào dân tộc thiểu số."],
    ),
]


def _units_on(province: Unit, day: datetime.date) -> list[Unit]:
    return list(
        Unit.objects.valid_on(day)
        .filter(
            path__startswith=province.path, level__in=[Level.COMMUNE, Level.VILLAGE]
        )
        .order_by("path")
    )


def _days(rng: random.Random, year: int, today: datetime.date) -> list[datetime.date]:
    start = datetime.date(year, 1, 1)
    end = min(datetime.date(year, 12, 31), today - datetime.timedelta(days=3))
    span = (end - start).days
    if span <= 0:
        return []
    return sorted(
        start + datetime.timedelta(days=rng.randrange(span)) for _ in range(PER_YEAR)
    )


def _follow_up(rng: random.Random, petition: Petition, today: datetime.date) -> None:
    """Take the steps a petition of that age would plausibly have taken."""
    age = (today - petition.received_on).days
    draw = rng.random()
    if draw < 0.07:
        services.petition_reject(
            actor=None,
            petition=petition,
            reason=rng.choice(REJECT_REASONS),
            on=petition.received_on + datetime.timedelta(days=rng.randint(1, 5)),
            via="system",
        )
        return
    if age < 5 or draw < 0.12:
        return  # still received
    assigned_on = petition.received_on + datetime.timedelta(days=rng.randint(1, 4))
    deadline = assigned_on + datetime.timedelta(days=rng.choice((15, 30, 45)))
    services.petition_assign(
        actor=None,
        petition=petition,
        body=BODIES[petition.topic],
        deadline=deadline,
        on=assigned_on,
        via="system",
    )
    # Unanswered: overdue once the deadline has passed. Most of the recent
    # ones, a few older ones.
    if draw < (0.45 if age < 240 else 0.2):
        return
    answered_on = min(assigned_on + datetime.timedelta(days=rng.randint(5, 50)), today)
    services.petition_answer(
        actor=None,
        petition=petition,
        answer=rng.choice(ANSWERS),
        on=answered_on,
        via="system",
    )
    if (today - answered_on).days > 20 and rng.random() < 0.8:
        services.petition_close(
            actor=None,
            petition=petition,
            satisfaction=rng.choice(SATISFACTIONS),
            on=min(answered_on + datetime.timedelta(days=rng.randint(3, 20)), today),
            via="system",
        )


def _supervisions(rng: random.Random, province: Unit, today: datetime.date) -> int:
    made = 0
    for number, (kind, subject, recommendations) in enumerate(SUPERVISIONS):
        year = FIRST_YEAR + number + 1
        held_on = min(
            datetime.date(year, rng.randint(3, 10), rng.randint(1, 28)), today
        )
        communes = [u for u in _units_on(province, held_on) if u.level == Level.COMMUNE]
        if not communes:
            continue
        supervision = services.supervision_create(
            actor=None,
            kind=kind,
            subject=subject,
            unit=rng.choice(communes),
            held_on=held_on,
            participants="Ban Thường trực Ủy ban MTTQ; đại diện các tổ chức "
            "chính trị - xã hội; Ban Thanh tra nhân dân (mẫu)",
            findings="Nội dung dựng sẵn cho bản trình diễn, không phải kết quả "
            "giám sát thật.",
            recommendations=recommendations,
            is_sample=True,
            via="system",
        )
        made += 1
        for index, recommendation in enumerate(
            supervision.recommendations.order_by("id")
        ):
            assigned_on = held_on + datetime.timedelta(days=7)
            services.recommendation_step(
                actor=None,
                recommendation=recommendation,
                step="assign",
                body="UBND xã",
                deadline=assigned_on + datetime.timedelta(days=60),
                on=assigned_on,
                via="system",
            )
            # The latest activity keeps one unanswered (overdue) recommendation.
            if number == len(SUPERVISIONS) - 1 and index == 0:
                continue
            answered_on = assigned_on + datetime.timedelta(days=30)
            services.recommendation_step(
                actor=None,
                recommendation=recommendation,
                step="answer",
                answer="Đã tiếp thu và chỉ đạo thực hiện.",
                on=answered_on,
                via="system",
            )
            services.recommendation_step(
                actor=None,
                recommendation=recommendation,
                step="close",
                outcome=rng.choice(["yes", "yes", "partly", "no"]),
                on=answered_on + datetime.timedelta(days=90),
                via="system",
            )
    return made


def load_demo_petitions(progress: Progress) -> None:
    """Constructed sample petitions 2021-2026 and supervision activities for
    Lai Châu; skipped if sample petitions are already there."""
    if Petition.objects.filter(is_sample=True).exists():
        progress("Kiến nghị mẫu đã có: bỏ qua.")
        return
    province = (
        Unit.objects.filter(code=LAI_CHAU, level=Level.PROVINCE)
        .order_by("valid_from")
        .first()
    )
    if province is None:
        progress("Chưa có tỉnh Lai Châu: bỏ qua kiến nghị mẫu.")
        return
    rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
    today = timezone.localdate()
    count = 0
    with transaction.atomic():
        for year in range(FIRST_YEAR, today.year + 1):
            for day in _days(rng, year, today):
                units = _units_on(province, day)
                if not units:
                    continue
                topic = rng.choice(list(TEXTS))
                unit = rng.choice(units)
                petition = services.petition_create(
                    actor=None,
                    unit=unit,
                    channel=rng.choice(CHANNELS),
                    topic=topic,
                    text=rng.choice(TEXTS[topic]),
                    received_on=day,
                    contact_name=f"Công dân mẫu {count + 1:03d}",
                    contact_address=unit.name,
                    is_sample=True,
                    via="system",
                )
                _follow_up(rng, petition, today)
                count += 1
        activities = _supervisions(rng, province, today)
    progress(
        f"Kiến nghị mẫu: {count} kiến nghị, {activities} hoạt động giám sát, "
        "phản biện (dữ liệu dựng sẵn)."
    )
