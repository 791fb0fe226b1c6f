from decimal import Decimal

import pytest

from vandong.core.formatting import money_vi


@pytest.mark.parametrize(
    ("value", "style", "options", "expected"),
    [
        (502_350_000_000, "full", {}, "502.350.000.000 đồng"),
        (0, "full", {}, "0 đồng"),
        (None, "full", {}, ""),
        (502_350_000_000, "prose", {}, "502,35 tỷ đồng"),
        (502_386_000_000, "prose", {}, "502,39 tỷ đồng"),
        (502_000_000_000, "prose", {}, "502 tỷ đồng"),
        (502_386_000_000, "prose", {"floor": True}, "trên 502 tỷ đồng"),
        (502_000_000_000, "prose", {"floor": True}, "502 tỷ đồng"),
        (61_923_000_000, "prose", {"scale": "million"}, "61.923 triệu đồng"),
        (61_923_000_000, "prose", {}, "61,92 tỷ đồng"),
        (1_500_000, "prose", {}, "1,5 triệu đồng"),
        (950_000, "prose", {}, "950.000 đồng"),
        (1_234_567_890_123, "prose", {}, "1.234,57 tỷ đồng"),
        (-2_500_000_000, "prose", {}, "-2,5 tỷ đồng"),
        (Decimal(3_000_000_000), "prose", {"digits": 0}, "3 tỷ đồng"),
    ],
)
def test_money_vi(
    value: int | None, style: str, options: dict[str, object], expected: str
) -> None:
    assert money_vi(value, style, **options) == expected  # type: ignore[arg-type]


def test_money_vi_refuses_an_unknown_style_or_scale() -> None:
    with pytest.raises(ValueError, match="style"):
        money_vi(1, "short")
    with pytest.raises(ValueError, match="scale"):
        money_vi(1, "prose", scale="lakh")


def test_quantities_show_decimals_only_where_there_are_some():
    from vandong.core.formatting import quantity_vi

    assert quantity_vi(73265.0) == "73.265"
    assert quantity_vi(120.5) == "120,5"
    assert quantity_vi(2142500) == "2.142.500"
    assert quantity_vi(None) == ""
