"""The seed report reproduced: on the demo (Lai Châu, 2016-2020, values
constructed to match the province's published report), `vandong report
--province "Lai Châu" --phase 2016-2020 --format docx,pdf,xlsx` writes a
report that states every figure of the seed in the seed's notation.

The demo and the command run in a child process on a SQLite database of
their own (a temporary data folder), whatever database the suite uses."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

# (what, the words of the report around the figure, as the seed writes them)
SEED_FIGURES = [
    (
        "wards and townships civilised-urban",
        "05/12 phường, thị trấn đạt chuẩn văn minh đô thị",
    ),
    (
        "communes with the cultural new-rural title",
        "24/94 xã đạt chuẩn văn hóa nông thôn mới",
    ),
    ("cultural households", "85% hộ gia đình"),
    ("cultural villages", "74% thôn, bản, khu phố"),
    ("cultural agencies", "96% cơ quan, đơn vị, trường học đạt tiêu chuẩn văn hóa"),
    ("culture teams", "860 tổ đội văn hoá xã"),
    ("learning families", "gần 79.000 hộ gia đình được công nhận “Gia đình học tập”"),
    ("learning clans", "trên 1.500 “Dòng họ học tập”"),
    ("learning communities", "trên 1.300 “Cộng đồng học tập”"),
    ("learning units", "604 “Đơn vị học tập”"),
    (
        "vocational training",
        "đào tạo nghề gắn với giải quyết việc làm cho 31.739 lao động",
    ),
    ("health insurance", "bảo hiểm y tế đến năm 2020 đạt 96%"),
    ("underweight children", "giảm xuống còn dưới 20%"),
    (
        "gratitude fund",
        "quỹ “Đền ơn đáp nghĩa” toàn tỉnh đã vận động được trên 5,6 tỷ đồng",
    ),
    ("forest cover", "tỷ lệ che phủ rừng trên địa bàn tỉnh hiện nay đạt trên 50%"),
    ("rural clean water", "nước sinh hoạt hợp vệ sinh ước đạt 84%"),
    (
        "ethnic-minority clean water",
        "dân tộc thiểu số được sử dụng nước sinh hoạt hợp vệ sinh ước đạt gần 80%",
    ),
    ("three clean", "đảm bảo 3 sạch đạt trên 44%"),
    ("environment criterion", "số xã đạt tiêu chí về môi trường là 45/94 xã"),
    ("security commitments", "Vận động trên 90% các hộ gia đình và khu dân cư đăng ký"),
    ("security models", "xây dựng 70 mô hình “Khu dân cư an ninh trật tự nông thôn”"),
    ("drug-free communes", "33/106 xã, phường, thị trấn không có tệ nạn ma túy"),
    (
        "security hotspots removed",
        "6 xã được Bộ Công an quyết định đưa ra khỏi diện trọng điểm",
    ),
    ("defence and security criterion", "92/94 xã đạt tiêu chí quốc phòng, an ninh"),
    ("mediation teams", "1.143 tổ hoà giải ở cơ sở"),
    ("dialogue conferences", "đã tổ chức 133 hội nghị đối thoại"),
    ("cash", "đóng góp trên 502 tỷ đồng (tiền mặt)"),
    ("land", "hiến 2.142.500 m2 đất"),
    ("labour", "góp 991.600 ngày công lao động"),
    ("materials", "tương đương 61.923 triệu đồng"),
    ("OCOP 3 stars", "38 sản phẩm OCOP được đánh giá xếp hạng 3 sao"),
    ("OCOP 4 stars", "9 sản phẩm OCOP được đánh giá xếp hạng 4 sao"),
    ("specialty rice", "vùng lúa đặc sản gần 3.000 ha"),
    ("tea", "chè trên 7.000 ha"),
    ("rubber", "cao su trên 13.000 ha"),
    ("macadamia", "mắc ca trên 4.000 ha"),
    ("cinnamon", "cây quế trên 6.300 ha"),
    ("medicinal plants", "cây dược liệu 8.000 ha"),
    (
        "2025 target: civilised wards",
        "Phấn đấu đến năm 2025 có trên 60% phường, thị trấn đạt chuẩn văn minh đô thị",
    ),
    ("2025 target: new-rural communes", "57,5% xã đạt chuẩn nông thôn mới"),
    ("2025 target: districts", "thêm 2 huyện đạt chuẩn nông thôn mới"),
    (
        "the province's decision",
        "ngày 30/9/2016 Ban Chấp hành Đảng bộ tỉnh đã ra Quyết định số 239-QĐ/TU",
    ),
]


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seed")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "VANDONG_ANALYTICS_DIR")
    }
    env["VANDONG_DATA_DIR"] = str(folder / "data")
    vandong = str(Path(sys.executable).parent / "vandong")
    subprocess.run(
        [vandong, "demo"], env=env, check=True, capture_output=True, timeout=900
    )
    done = subprocess.run(
        [
            vandong,
            "report",
            "--province",
            "Lai Châu",
            "--phase",
            "2016-2020",
            "--format",
            "docx,pdf,xlsx",
            "--output",
            str(folder / "out"),
            "--date",
            "2020-12-15",
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    out = folder / "out"
    document = Document(out / "ket-qua-cuoc-van-dong-12-2016-2020.docx")
    text = "\n".join(p.text for p in document.paragraphs)
    pdf = PdfReader(out / "ket-qua-cuoc-van-dong-12-2016-2020.pdf")
    pdf_text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    return {
        "text": text,
        "pdf": pdf_text,
        "stdout": done.stdout.decode(),
        "stderr": done.stderr.decode(),
        "files": sorted(p.name for p in out.iterdir()),
        "document": document,
    }


def test_the_command_writes_the_three_files(seed):
    assert seed["files"] == [
        "ket-qua-cuoc-van-dong-12-2016-2020.docx",
        "ket-qua-cuoc-van-dong-12-2016-2020.pdf",
        "ket-qua-cuoc-van-dong-12-2016-2020.xlsx",
    ]


@pytest.mark.parametrize(
    ("what", "words"), SEED_FIGURES, ids=[w for w, _ in SEED_FIGURES]
)
def test_the_report_states_the_seed_figure(seed, what, words):
    assert words in seed["text"], what


@pytest.mark.parametrize(
    ("what", "words"),
    SEED_FIGURES[:8] + SEED_FIGURES[26:30],
    ids=[w for w, _ in SEED_FIGURES[:8] + SEED_FIGURES[26:30]],
)
def test_the_pdf_reads_back_the_same_words(seed, what, words):
    assert words in seed["pdf"], what


def test_the_report_is_the_provincial_party_committees(seed):
    header = [[c.text for c in row.cells] for row in seed["document"].tables[0].rows]
    assert header[0][0].startswith("TỈNH ỦY LAI CHÂU")
    assert header[0][1].startswith("ĐẢNG CỘNG SẢN VIỆT NAM")
    assert header[1][1] == "Lai Châu, ngày 15 tháng 12 năm 2020"
    assert "Tỉnh ủy Lai Châu xác định" in seed["text"]
    # the demo's figures are constructed, and the report says so
    assert "(Bản demo: số liệu dựng sẵn, không phải số liệu thật)" in seed["text"]
    # the two charts are drawn
    assert len(seed["document"].inline_shapes) == 2


def test_what_the_demo_lacks_is_reported_not_printed(seed):
    # the demo's petitions are of later years: the sentence is left out
    assert "kiến nghị của Nhân dân, đã trả lời" not in seed["text"]
    assert "petitions_received" in seed["stderr"]
    assert "Chưa có kiến nghị nào của Tỉnh Lai Châu được ghi nhận" in seed["stderr"]
