import pytest

from vandong.catalog.expressions import (
    Expression,
    ExpressionError,
    parse_expression,
    rule_holds,
)


@pytest.mark.parametrize(
    ("text", "terms", "constant"),
    [
        ("HH_TOTAL", (("HH_TOTAL", 1.0),), 0.0),
        ("0", (), 0.0),
        ("HH_A + HH_B", (("HH_A", 1.0), ("HH_B", 1.0)), 0.0),
        ("HH_A - 2 * HH_B + 3", (("HH_A", 1.0), ("HH_B", -2.0)), 3.0),
        ("HH_A * 0.5 - 1.5", (("HH_A", 0.5),), -1.5),
        ("-HH_A", (("HH_A", -1.0),), 0.0),
    ],
)
def test_parse_reads_sums_of_codes_factors_and_constants(text, terms, constant):
    assert parse_expression(text) == Expression(terms=terms, constant=constant)


@pytest.mark.parametrize(
    ("text", "message_en"),
    [
        ("", "The expression is empty."),
        ("HH_A +", "Expression 'HH_A +': it ends with an operator."),
        ("HH_A HH_B", "Expression 'HH_A HH_B': unexpected 'HH_B'."),
        (
            "HH_A * HH_B",
            "Expression 'HH_A * HH_B': only a data element code times a number is "
            "allowed.",
        ),
        (
            "hh_total",
            "Expression 'hh_total': cannot read 'hh_total' (use upper-case data "
            "element codes, numbers, +, - and *).",
        ),
        ("2 *", "Expression '2 *': a factor is missing after *."),
    ],
)
def test_parse_refuses_what_it_cannot_read(text, message_en):
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)

    assert info.value.message_en == message_en
    assert info.value.message_vi


def test_evaluate_skips_missing_values_unless_they_count_as_zero():
    expression = parse_expression("HH_A + 2 * HH_B - 1")

    assert expression.evaluate({"HH_A": 3, "HH_B": 4}) == 10
    assert expression.evaluate({"HH_A": 3}) is None
    assert expression.evaluate({"HH_A": 3}, missing_as_zero=True) == 2
    assert expression.codes == ("HH_A", "HH_B")


@pytest.mark.parametrize(
    ("left", "operator", "right", "holds"),
    [
        (1, "<=", 1, True),
        (2, "<=", 1, False),
        (1, "<", 1, False),
        (1, ">=", 0, True),
        (0.1 + 0.2, "==", 0.3, True),
        (0.1 + 0.2, "!=", 0.3, False),
        (1, ">", 1, False),
    ],
)
def test_rule_holds(left, operator, right, holds):
    assert rule_holds(left, operator, right) is holds
