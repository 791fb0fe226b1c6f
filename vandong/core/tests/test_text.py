from vandong.core.text import fold, is_digits


def test_only_ascii_digits_are_digits() -> None:
    assert is_digits("2024")
    assert not is_digits("²")
    assert not is_digits("٢٠٢٤")  # Arabic-Indic digits: int() would take them
    assert not is_digits("")
    assert not is_digits("20 24")


def test_fold_drops_marks_and_case() -> None:
    assert fold("Đoàn Kết") == fold("doan ket")
