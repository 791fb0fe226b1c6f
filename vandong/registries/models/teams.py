"""Models and teams (mô hình, tổ, đội): learning models, culture and art
teams, mediation teams, security and self-management models.

One record per model or team, or per group of like models recognised together
(`count`: "78 gia đình học tập in village X recognised in 2019"), on a commune
or a village. A record counts from the end of its recognition year until the
year it stopped (`stopped_year`, not counted at that year's end).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vandong.geo.models import Unit
from vandong.registries.models.base import RegistryRecord


class ModelCategory(models.TextChoices):
    LEARNING = "learning", _("Learning models")
    CULTURE = "culture", _("Culture and art teams")
    MEDIATION = "mediation", _("Mediation teams")
    SECURITY = "security", _("Security and self-management models")


class ModelKind(models.TextChoices):
    LEARNING_FAMILY = "learning_family", _("Learning family")
    LEARNING_CLAN = "learning_clan", _("Learning clan")
    LEARNING_COMMUNITY = "learning_community", _("Learning community")
    LEARNING_UNIT = "learning_unit", _("Learning unit")
    CULTURE_TEAM = "culture_team", _("Culture team")
    ART_TROUPE = "art_troupe", _("Art troupe")
    MEDIATION_TEAM = "mediation_team", _("Mediation team")
    SECURITY_AREA = "security_area", _("Residential area for security and order")
    SELF_MANAGED_GROUP = "self_managed_group", _("Self-managed group")
    SELF_MANAGED_CLAN = "self_managed_clan", _("Self-managed clan")
    SELF_MANAGED_FAMILY = "self_managed_family", _("Self-managed family")


CATEGORY_OF_KIND: dict[str, str] = {
    ModelKind.LEARNING_FAMILY: ModelCategory.LEARNING,
    ModelKind.LEARNING_CLAN: ModelCategory.LEARNING,
    ModelKind.LEARNING_COMMUNITY: ModelCategory.LEARNING,
    ModelKind.LEARNING_UNIT: ModelCategory.LEARNING,
    ModelKind.CULTURE_TEAM: ModelCategory.CULTURE,
    ModelKind.ART_TROUPE: ModelCategory.CULTURE,
    ModelKind.MEDIATION_TEAM: ModelCategory.MEDIATION,
    ModelKind.SECURITY_AREA: ModelCategory.SECURITY,
    ModelKind.SELF_MANAGED_GROUP: ModelCategory.SECURITY,
    ModelKind.SELF_MANAGED_CLAN: ModelCategory.SECURITY,
    ModelKind.SELF_MANAGED_FAMILY: ModelCategory.SECURITY,
}

# Vietnamese names for messages and exports, whatever the active language.
KIND_NAMES_VI: dict[str, str] = {
    ModelKind.LEARNING_FAMILY: "Gia đình học tập",
    ModelKind.LEARNING_CLAN: "Dòng họ học tập",
    ModelKind.LEARNING_COMMUNITY: "Cộng đồng học tập",
    ModelKind.LEARNING_UNIT: "Đơn vị học tập",
    ModelKind.CULTURE_TEAM: "Tổ, đội văn hóa",
    ModelKind.ART_TROUPE: "Đội văn nghệ",
    ModelKind.MEDIATION_TEAM: "Tổ hòa giải",
    ModelKind.SECURITY_AREA: "Khu dân cư an ninh trật tự",
    ModelKind.SELF_MANAGED_GROUP: "Tổ tự quản",
    ModelKind.SELF_MANAGED_CLAN: "Dòng họ tự quản",
    ModelKind.SELF_MANAGED_FAMILY: "Gia đình tự quản",
}


class ModelTeamQuerySet(models.QuerySet["ModelTeam"]):
    def within(self, unit: Unit) -> "ModelTeamQuerySet":
        return self.filter(unit__path__startswith=unit.path)

    def active_at_end_of(self, year: int) -> "ModelTeamQuerySet":
        """Recognised by the end of `year` and not stopped by then."""
        return self.filter(
            Q(stopped_year__isnull=True) | Q(stopped_year__gt=year),
            recognized_year__lte=year,
        )


class ModelTeam(RegistryRecord):
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="models_teams"
    )
    kind = models.CharField(max_length=30, choices=ModelKind.choices)
    name = models.CharField(max_length=200)
    # How many like models the record stands for (households for learning
    # families); 1 for a single team.
    count = models.PositiveIntegerField(default=1)
    recognized_year = models.PositiveSmallIntegerField()
    active = models.BooleanField(default=True)
    stopped_year = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)

    objects = ModelTeamQuerySet.as_manager()

    class Meta:
        ordering = ["unit__code", "kind", "name", "id"]
        indexes = [models.Index(fields=["unit", "kind", "recognized_year"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(count__gte=1), name="registries_model_team_count"
            ),
            models.CheckConstraint(
                condition=Q(active=True, stopped_year__isnull=True)
                | Q(active=False, stopped_year__isnull=False),
                name="registries_model_team_stopped",
            ),
            models.CheckConstraint(
                condition=Q(stopped_year__isnull=True)
                | Q(stopped_year__gte=models.F("recognized_year")),
                name="registries_model_team_stopped_after",
            ),
        ]
        verbose_name = _("model or team")
        verbose_name_plural = _("models and teams")

    def __str__(self) -> str:
        return self.name

    @property
    def category(self) -> str:
        return CATEGORY_OF_KIND[self.kind]

    def active_at_end_of(self, year: int) -> bool:
        return self.recognized_year <= year and (
            self.stopped_year is None or self.stopped_year > year
        )
