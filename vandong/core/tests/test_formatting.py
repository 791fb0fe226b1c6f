from decimal import Decimal

from vandong.core.formatting import number_vi, percent_vi
from vandong.core.text import fold


def test_numbers_in_vietnamese_notation():
    assert number_vi(2_142_500) == "2.142.500"
    assert number_vi(Decimal("61.5"), 1) == "61,5"
    assert percent_vi(0.615) == "61,5%"
    assert percent_vi(0.6) == "60%"
    assert number_vi(None) == ""


def test_fold_ignores_case_diacritics_and_spacing():
    assert fold("Mường Tè") == "muong te"
    assert fold("  ĐOÀN   KẾT ") == "doan ket"
    assert fold("Xã Ea H'Leo") == "xa ea h'leo"
