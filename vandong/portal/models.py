"""Publication: a province officer's decision that a province's figures of a
year may be shown to the public.

A publication is refused unless every (data set, unit, period) of the
province and year that holds a value is approved, and the portal shows the
year only while that still holds (`state.public_years`): a form reopened
after publication hides the year again until it is approved again.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vandong.geo.models import Unit


class Publication(models.Model):
    province = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["province_id", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year"], name="portal_publication_uniq"
            )
        ]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return f"{self.province_id} {self.year}"
