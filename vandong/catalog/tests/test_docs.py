from pathlib import Path

from vandong.catalog.loader import catalog_read

DOC = Path(__file__).resolve().parents[3] / "docs" / "catalog.md"


def test_the_catalog_doc_names_every_element_form_and_rule():
    text = DOC.read_text(encoding="utf-8")
    spec = catalog_read()

    codes = [e.code for e in spec.elements]
    codes += [d.code for d in spec.data_sets] + [r.code for r in spec.rules]
    assert [c for c in codes if f"`{c}`" not in text] == []


def test_every_element_is_on_one_form_unless_computed_or_kept_by_a_registry():
    spec = catalog_read()
    forms_of: dict[str, list[str]] = {}
    for data_set in spec.data_sets:
        for member in data_set.members:
            forms_of.setdefault(member.code, []).append(data_set.code)

    for element in spec.elements:
        kept = bool(element.values["registry"])
        expected = 0 if element.is_computed or kept else 1
        assert len(forms_of.get(element.code, [])) == expected, element.code
        assert element.values["source_note"], element.code
