"""The official document formats a report is issued in, one per issuing body.

- state: Nghị định 30/2020/NĐ-CP, Phụ lục I (administrative documents): A4;
  margins top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm; Times New
  Roman; national title (in hoa 12-13, bold) and motto (13-14, bold,
  underlined by a line of its own length) top right; the issuing body (in
  hoa 12-13, bold) under its parent body (in hoa 12-13, not bold), a line of
  1/3-1/2 its length below; "Số:" 13 with the number (a leading 0 under 10)
  and the symbol "/BC-UBND"; place and date (13-14, italic, days under 10 and
  months 1-2 with a leading 0) on the number's line, under the motto; type
  name (in hoa 13-14, bold) and summary (13-14, bold) with a line below;
  body 13-14, justified, first line indented 1-1.27 cm, 6 pt between
  paragraphs; page numbers 13-14 centred in the top margin, none on page 1;
  authority and title (TM. …, CHỦ TỊCH) in hoa 13-14 bold, the signer's name
  13-14 bold; "Nơi nhận:" 12 bold italic, the list 11, the last line
  "- Lưu: VT, …".
- front: Hướng dẫn 91/HD-MTTW-BTT (2013) of the Vietnam Fatherland Front, built
  on the state rules of its day (Thông tư 01/2011/TT-BNV): the same layout and
  national motto; the body "ỦY BAN MTTQ VIỆT NAM / TỈNH …", the symbol
  "/BC-MTTQ-BTT", signed "TM. BAN THƯỜNG TRỰC / CHỦ TỊCH".
- party: Hướng dẫn 36-HD/VPTW (2018) of the Party Central Office: the heading
  "ĐẢNG CỘNG SẢN VIỆT NAM" (in hoa 15, bold, a line of its length below) top
  right instead of the motto; the body (in hoa 14 bold, under its parent in
  hoa 14) with a star below; "Số 35-BC/TU" (14, no colon, a hyphen before the
  type); place and date 14 italic; type name 15-16 bold, summary 14-15 bold;
  body 14-15; signed "T/M TỈNH ỦY / BÍ THƯ"; "Nơi nhận:" underlined, the list
  in 12, the last line "- Lưu Văn phòng Tỉnh ủy.".

Sources are listed in docs/reports.md.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from vandong.core.formatting import place_date_vi
from vandong.core.text import is_digits
from vandong.geo.models import Unit
from vandong.reports.figures import UNIT_KIND_VI

ISSUER_LABELS = {
    "state": ("Nhà nước (Nghị định 30/2020/NĐ-CP)", "State (Decree 30/2020/NĐ-CP)"),
    "front": (
        "Mặt trận Tổ quốc (Hướng dẫn 91/HD-MTTW-BTT)",
        "Fatherland Front (HD 91)",
    ),
    "party": ("Đảng (Hướng dẫn 36-HD/VPTW)", "Party (HD 36-HD/VPTW)"),
}


@dataclass(frozen=True)
class Layout:
    """Everything the DOCX and PDF writers need to lay out the first page,
    the body and the signature, in points and millimetres."""

    kind: str
    # top left: the parent body (not bold) and the issuing body (bold)
    parent_lines: tuple[str, ...]
    body_lines: tuple[str, ...]
    body_mark: str  # "line" (state, front) or "star" (party)
    number_text: str  # "Số: 05/BC-UBND", "Số 35-BC/TU"
    # top right: the national title and motto, or the Party heading
    motto_lines: tuple[str, ...]
    place_date: str
    title: str  # BÁO CÁO
    subject: str
    authority: str  # TM. ỦY BAN NHÂN DÂN, T/M TỈNH ỦY
    signer_title: str  # CHỦ TỊCH, BÍ THƯ
    signer_name: str
    recipients: tuple[str, ...]
    archive: str  # the last recipients' line
    issuer_name: str  # as the body text names the issuing body
    # sizes in points
    parent_size: float
    body_size_header: float
    motto_sizes: tuple[float, ...]
    number_size: float
    date_size: float
    title_size: float
    subject_size: float
    text_size: float
    signature_size: float
    recipients_label_size: float
    recipients_size: float
    recipients_label_underline: bool
    recipients_label_italic: bool
    page_number_size: float
    # page, in millimetres
    margin_top: float = 20.0
    margin_bottom: float = 20.0
    margin_left: float = 30.0
    margin_right: float = 15.0
    first_line_indent_cm: float = 1.27
    paragraph_after_pt: float = 6.0
    line_spacing: float = 1.15
    # the dividers under the motto and the issuing body
    body_line_ratio: float = 0.4  # of the body name's width (1/3 to 1/2)


# Sizes (pt) of Nghị định 30/2020/NĐ-CP, Phụ lục I; the Front's documents
# follow them too.
_STATE_SIZES: dict[str, Any] = {
    "parent_size": 13,
    "body_size_header": 13,
    "motto_sizes": (12, 13),
    "number_size": 13,
    "date_size": 14,
    "title_size": 14,
    "subject_size": 14,
    "text_size": 14,
    "signature_size": 14,
    "recipients_label_size": 12,
    "recipients_size": 11,
    "recipients_label_underline": False,
    "recipients_label_italic": True,
    "page_number_size": 13,
}


def _short(unit: Unit) -> str:
    if unit.short_name:
        return unit.short_name
    for prefix in (
        "Tỉnh ",
        "Thành phố ",
        "Huyện ",
        "Quận ",
        "Thị xã ",
        "Xã ",
        "Phường ",
        "Thị trấn ",
        "Đặc khu ",
    ):
        if unit.name.startswith(prefix):
            return unit.name[len(prefix) :]
    return unit.name


def _kind(unit: Unit) -> str:
    return UNIT_KIND_VI.get(unit.type, "")


def _party_body(unit: Unit) -> tuple[str, str, str]:
    """(committee, its symbol, its short form in running text)."""
    short = _short(unit)
    if unit.type == "tinh":
        return f"TỈNH ỦY {short.upper()}", "TU", f"Tỉnh ủy {short}"
    if unit.type == "thanh_pho_tw":
        return f"THÀNH ỦY {short.upper()}", "TU", f"Thành ủy {short}"
    if unit.type in ("huyen",):
        return f"HUYỆN ỦY {short.upper()}", "HU", f"Huyện ủy {short}"
    if unit.type == "quan":
        return f"QUẬN ỦY {short.upper()}", "QU", f"Quận ủy {short}"
    if unit.type == "thi_xa":
        return f"THỊ ỦY {short.upper()}", "TU", f"Thị ủy {short}"
    if unit.type == "thanh_pho":
        return f"THÀNH ỦY {short.upper()}", "TU", f"Thành ủy {short}"
    kind = _kind(unit)
    return f"ĐẢNG ỦY {kind.upper()} {short.upper()}", "ĐU", f"Đảng ủy {kind} {short}"


def _parent_party(unit: Unit) -> tuple[str, ...]:
    parent = unit.parent
    if unit.level <= 1 or parent is None:
        return ()
    return (f"ĐẢNG BỘ {_kind(parent).upper()} {_short(parent).upper()}",)


def _number(number: str, kind: str, type_code: str, symbol: str) -> str:
    digits = number.strip()
    if is_digits(digits) and int(digits) < 10:
        digits = f"0{int(digits)}"
    if kind == "party":
        return f"Số {digits or ' ' * 6}-{type_code}/{symbol}"
    return f"Số: {digits or ' ' * 6}/{type_code}-{symbol}"


def layout(
    *,
    kind: str,
    unit: Unit | None,
    title: str,
    subject: str,
    type_code: str,
    number: str = "",
    day: datetime.date,
    signer: str = "",
    recipients: tuple[str, ...] = (),
) -> Layout:
    """The format of `kind` for a report of `unit` (None: the whole country)."""
    if unit is None:
        place = "Hà Nội"
        unit_title = "Trung ương"
    else:
        place = _short(unit)
        unit_title = f"{_kind(unit)} {_short(unit)}"
    if kind == "party":
        if unit is None:
            body, symbol, name = (
                "BAN CHẤP HÀNH TRUNG ƯƠNG",
                "TW",
                "Ban Chấp hành Trung ương",
            )
            parents: tuple[str, ...] = ()
        else:
            body, symbol, name = _party_body(unit)
            parents = _parent_party(unit)
        short_body = body.split(" ")[0:2]
        authority = "T/M " + (
            "BAN CHẤP HÀNH TRUNG ƯƠNG" if unit is None else " ".join(short_body)
        )
        default_recipients: tuple[str, ...] = (
            (
                "Ban Bí thư Trung ương Đảng (để b/c)",
                "Ban Dân vận Trung ương",
                "Đảng đoàn Mặt trận Tổ quốc Việt Nam",
                f"Các đồng chí {name.split(' ')[0]} {name.split(' ')[1]} viên",
                "Các cấp ủy trực thuộc",
            )
            if unit is not None
            else ("Các tỉnh ủy, thành ủy",)
        )
        return Layout(
            kind=kind,
            parent_lines=parents,
            body_lines=(body,),
            body_mark="star",
            number_text=_number(number, kind, type_code, symbol),
            motto_lines=("ĐẢNG CỘNG SẢN VIỆT NAM",),
            place_date=place_date_vi(place, day),
            title=title,
            subject=subject,
            authority=authority,
            signer_title="BÍ THƯ" if unit is not None else "TỔNG BÍ THƯ",
            signer_name=signer,
            recipients=recipients or default_recipients,
            archive=f"Lưu Văn phòng {name.split(' ')[0]} {name.split(' ')[1]}."
            if unit is not None
            else "Lưu Văn phòng Trung ương Đảng.",
            issuer_name=name,
            parent_size=14,
            body_size_header=14,
            motto_sizes=(15,),
            number_size=14,
            date_size=14,
            title_size=16,
            subject_size=14,
            text_size=14,
            signature_size=14,
            recipients_label_size=14,
            recipients_size=12,
            recipients_label_underline=True,
            recipients_label_italic=False,
            page_number_size=14,
            first_line_indent_cm=1.0,
        )
    motto = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
    if kind == "front":
        if unit is None:
            body_lines: tuple[str, ...] = (
                "ỦY BAN TRUNG ƯƠNG",
                "MẶT TRẬN TỔ QUỐC VIỆT NAM",
            )
            symbol = "MTTW-BTT"
            name = "Ban Thường trực Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam"
        else:
            body_lines = ("ỦY BAN MTTQ VIỆT NAM", unit_title.upper())
            symbol = "MTTQ-BTT"
            name = f"Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam {unit_title}"
        default_recipients = (
            "Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam (để b/c)",
            f"Thường trực cấp ủy {unit_title} (để b/c)"
            if unit
            else "Ban Bí thư (để b/c)",
            f"Ủy ban nhân dân {unit_title}" if unit else "Chính phủ",
            "Ban Thường trực Ủy ban MTTQ cấp dưới",
        )
        return Layout(
            kind=kind,
            parent_lines=(),
            body_lines=body_lines,
            body_mark="line",
            number_text=_number(number, kind, type_code, symbol),
            motto_lines=motto,
            place_date=place_date_vi(place, day),
            title=title,
            subject=subject,
            authority="TM. BAN THƯỜNG TRỰC",
            signer_title="CHỦ TỊCH",
            signer_name=signer,
            recipients=recipients or default_recipients,
            archive="Lưu: VT, VP.",
            issuer_name=name,
            **_STATE_SIZES,
        )
    # state
    if unit is None:
        body_lines = ("BỘ NỘI VỤ",)
        symbol, name, authority, signer_title = (
            "BNV",
            "Bộ Nội vụ",
            "KT. BỘ TRƯỞNG",
            "THỨ TRƯỞNG",
        )
    else:
        body_lines = ("ỦY BAN NHÂN DÂN", unit_title.upper())
        symbol = "UBND"
        name = f"Ủy ban nhân dân {unit_title}"
        authority, signer_title = "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"
    default_recipients = (
        "Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam (để b/c)",
        f"Thường trực cấp ủy {unit_title} (để b/c)"
        if unit
        else "Thủ tướng Chính phủ (để b/c)",
        f"Thường trực HĐND {unit_title}" if unit else "Các bộ, ngành",
        f"Ủy ban MTTQ Việt Nam {unit_title}" if unit else "UBND các tỉnh, thành phố",
    )
    return Layout(
        kind="state",
        parent_lines=(),
        body_lines=body_lines,
        body_mark="line",
        number_text=_number(number, "state", type_code, symbol),
        motto_lines=motto,
        place_date=place_date_vi(place, day),
        title=title,
        subject=subject,
        authority=authority,
        signer_title=signer_title,
        signer_name=signer,
        recipients=recipients or default_recipients,
        archive="Lưu: VT.",
        issuer_name=name,
        **_STATE_SIZES,
    )
