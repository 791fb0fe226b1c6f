"""Names of the indicator groups (the `group` of indicators.yaml)."""

from django.utils.translation import gettext as _


def group_label(code: str) -> str:
    labels = {
        "ntm": _("New rural areas"),
        "urban": _("Civilized urban areas"),
        "culture": _("Cultural life"),
        "contributions": _("Contributions"),
        "ocop": _("OCOP products"),
        "economy": _("Economy"),
        "health": _("Health"),
        "democracy": _("Grassroots democracy"),
        "security": _("Security and order"),
        "environment": _("Environment"),
        "": _("Other indicators"),
    }
    return labels.get(code, code.replace("_", " ").capitalize())


# The group a unit's page opens with: the standard the unit type works for.
FIRST_GROUP: dict[str, str] = {
    "xa": "ntm",
    "dac_khu": "ntm",
    "phuong": "urban",
    "thi_tran": "urban",
}
