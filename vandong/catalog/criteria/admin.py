"""Admin for criteria sets: read the definitions, edit thresholds (audited,
the set re-evaluated), upload a new set or a new version as a YAML file."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vandong.catalog.criteria.models import CriteriaSet, Criterion, Indicator, Threshold
from vandong.catalog.criteria.reader import CriteriaFileError
from vandong.catalog.criteria.spec import COMMUNE_GROUPS, FLAG_COMPARATORS, REGIONS
from vandong.catalog.criteria.store import criteria_set_upload, touch
from vandong.core.audit import audit_record
from vandong.core.models import AuditEntry, Channel

THRESHOLD_FIELDS = ("value", "verified", "document", "appendix", "row", "url", "note")


class CriteriaFileForm(forms.Form):
    file = forms.FileField(
        label=_("Criteria set file (YAML)"),
        help_text=_("Format: docs/criteria.md. A higher version replaces the set."),
    )


class CriterionInline(admin.TabularInline[Criterion, CriteriaSet]):
    model = Criterion
    fields = ("code", "name_vi", "name_en", "group_vi", "at_least")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin[CriteriaSet]):
    list_display = (
        "code",
        "name_vi",
        "version",
        "level",
        "valid_from",
        "valid_to",
        "is_active",
    )
    list_filter = ("kind", "level", "is_active")
    search_fields = ("code", "name_vi", "name_en")
    readonly_fields = tuple(
        f.name
        for f in CriteriaSet._meta.get_fields()
        if f.concrete and f.name not in {"id", "is_active"}
    )
    inlines = [CriterionInline]
    change_list_template = "admin/catalog/criteriaset/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # sets come from files: see the upload view

    def get_urls(self) -> list[URLPattern]:
        upload = path(
            "upload/",
            self.admin_site.admin_view(self.upload_view),
            name="catalog_criteriaset_upload",
        )
        return [upload, *super().get_urls()]

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        form = CriteriaFileForm(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                text = upload.read().decode("utf-8")
                stored, outcome = criteria_set_upload(
                    text, file=upload.name, actor=request.user, channel=Channel.WEB
                )
            except UnicodeDecodeError:
                problems = [str(_("The file is not UTF-8 text."))]
            except CriteriaFileError as exc:
                problems = [p.line_text() for p in exc.problems]
            else:
                if outcome != "unchanged":
                    from vandong.criteria.services import evaluate

                    transaction.on_commit(lambda: evaluate(sets=[stored]))
                messages.success(request, f"{stored.code} v{stored.version}: {outcome}")
                return HttpResponseRedirect(
                    reverse("admin:catalog_criteriaset_change", args=[stored.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Upload a criteria set"),
            "form": form,
            "problems": problems,
            "opts": self.model._meta,
        }
        return render(request, "admin/catalog/criteriaset/upload.html", context)


class ThresholdForm(forms.ModelForm[Threshold]):
    """A threshold row; a new one must name a key the set's thresholds vary
    by (a region code, a commune group 1/2/3, or none for the general value)
    and a condition the indicator has."""

    class Meta:
        model = Threshold
        fields = ("condition", "key", "year", *THRESHOLD_FIELDS)

    def __init__(self, *args: Any, indicator: Indicator | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.indicator = indicator

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        indicator = self.indicator or getattr(self.instance, "indicator", None)
        if indicator is None:
            return data
        key = (data.get("key") or "").strip()
        data["key"] = key
        kind = indicator.criterion.criteria_set.threshold_key
        allowed = {"region": REGIONS, "commune_group": COMMUNE_GROUPS}.get(kind, ())
        if key and key not in allowed:
            valid = ", ".join(allowed) or _("none (general value only)")
            self.add_error(
                "key",
                _("Unknown key “%(key)s” for this set; valid: %(valid)s.")
                % {"key": key, "valid": valid},
            )
        condition = data.get("condition") or 0
        if condition >= len(indicator.conditions):
            self.add_error("condition", _("The indicator has no such condition."))
        elif indicator.conditions[condition]["comparator"] in FLAG_COMPARATORS:
            self.add_error("condition", _("A yes/no condition takes no threshold."))
        return data


class ThresholdInline(admin.TabularInline[Threshold, Indicator]):
    """Existing thresholds: value and source editable. New rows fill a
    threshold the file left empty (e.g. a region's value the text was not
    confirmed for)."""

    model = Threshold
    form = ThresholdForm
    fields = ("condition", "key", "year", *THRESHOLD_FIELDS, "edited_by", "edited_at")
    readonly_fields = ("edited_by", "edited_at")
    extra = 1
    can_delete = False

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(
            "BoundThresholdForm",
            (ThresholdForm,),
            {"__init__": _bind(obj)},
        )
        return formset


def _bind(indicator: Indicator | None) -> Any:
    def init(self: ThresholdForm, *args: Any, **kwargs: Any) -> None:
        ThresholdForm.__init__(self, *args, indicator=indicator, **kwargs)

    return init


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin[Indicator]):
    list_display = ("code", "name_vi", "criterion", "measure", "verified")
    list_filter = ("criterion__criteria_set", "verified")
    search_fields = ("code", "name_vi")
    readonly_fields = (
        "criterion",
        "code",
        "order",
        "name_vi",
        "name_en",
        "measure",
        "at_least",
        "conditions",
        "source",
        "verified",
        "undefined_vi",
        "undefined_en",
    )
    inlines = [ThresholdInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_formset(
        self, request: HttpRequest, form: Any, formset: Any, change: bool
    ) -> None:
        added = [
            item.instance
            for item in formset.forms
            if not item.instance.pk and item.has_changed()
        ]
        for item in formset.forms:
            if item.instance.pk and item.has_changed():
                _record_threshold_edit(request, item.instance)
        for threshold in added:
            threshold.edited_by = request.user
            threshold.edited_at = timezone.now()
        super().save_formset(request, form, formset, change)
        for threshold in added:
            audit_record(
                actor=request.user,
                channel=Channel.WEB,
                action=AuditEntry.Action.CREATE,
                entity="criteria_threshold",
                entity_id=threshold.pk,
                new={
                    "condition": threshold.condition,
                    "key": threshold.key,
                    "year": threshold.year,
                    **{f: getattr(threshold, f) for f in THRESHOLD_FIELDS},
                },
                note=f"{form.instance.criterion.criteria_set.code} "
                f"{form.instance.code} {threshold.key}",
            )
        _reevaluate(form.instance.criterion.criteria_set)


@admin.register(Threshold)
class ThresholdAdmin(admin.ModelAdmin[Threshold]):
    list_display = (
        "indicator",
        "key",
        "year",
        "value",
        "verified",
        "document",
        "edited_at",
    )
    list_filter = ("indicator__criterion__criteria_set", "verified", "key")
    list_editable = ("value", "verified")
    search_fields = ("indicator__code", "indicator__name_vi", "document")
    fields = (
        "indicator",
        "condition",
        "key",
        "year",
        *THRESHOLD_FIELDS,
        "edited_by",
        "edited_at",
    )
    readonly_fields = (
        "indicator",
        "condition",
        "key",
        "year",
        "edited_by",
        "edited_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: Threshold, form: Any, change: bool
    ) -> None:
        if change:
            _record_threshold_edit(request, obj)
        super().save_model(request, obj, form, change)
        _reevaluate(obj.indicator.criterion.criteria_set)


def _record_threshold_edit(request: HttpRequest, obj: Threshold) -> None:
    """Audit an administrator's threshold edit and keep who and when."""
    before = Threshold.objects.get(pk=obj.pk)
    fields = ("condition", "key", "year", *THRESHOLD_FIELDS)
    old = {f: getattr(before, f) for f in fields}
    new = {f: getattr(obj, f) for f in fields}
    if old == new:
        return
    obj.edited_by = request.user if request.user.is_authenticated else None
    obj.edited_at = timezone.now()
    audit_record(
        actor=request.user,
        channel=Channel.WEB,
        action=AuditEntry.Action.UPDATE,
        entity="criteria_threshold",
        entity_id=obj.pk,
        old=old,
        new=new,
        note=f"{obj.indicator.criterion.criteria_set.code} {obj.indicator.code} {obj.key}",
    )


def _reevaluate(stored: CriteriaSet) -> None:
    from vandong.criteria.services import evaluate

    touch(stored)
    transaction.on_commit(lambda: evaluate(sets=[stored]))
