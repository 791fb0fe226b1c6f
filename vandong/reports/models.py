from django.db import models
from django.utils.translation import gettext_lazy as _

from vandong.core.models import TimeStampedModel


class ReportTemplate(TimeStampedModel):
    """A report template as an administrator last saved it (or as loaded from
    the shipped files). The text is the template file itself; code, version
    and name are read from it when it is saved."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    text = models.TextField(_("template text"))
    # Changed by an administrator since it was loaded from the shipped file.
    edited = models.BooleanField(_("edited"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"
