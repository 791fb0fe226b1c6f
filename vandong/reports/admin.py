"""Report templates in the admin: an administrator edits the text; the same
check as the command line refuses a template naming an unknown figure,
function or code, with the line."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from vandong.accounts.permissions import Action
from vandong.accounts.services import authorize
from vandong.core.errors import DomainError
from vandong.core.models import Channel
from vandong.reports import services
from vandong.reports.models import ReportTemplate


class ReportTemplateForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ReportTemplate
        fields = ["text"]
        widgets = {
            "text": forms.Textarea(
                attrs={"rows": 40, "cols": 120, "spellcheck": "false"}
            )
        }

    # Who saves (set by the admin's get_form): the form refuses what the
    # service would, so a refusal is a form error, never a server error.
    actor: Any = None

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        try:
            authorize(actor=self.actor, action=Action.MANAGE_CATALOG, unit=None)
        except DomainError as error:
            raise forms.ValidationError(error.message_vi) from error
        try:
            spec = services.template_check(text)
        except DomainError as error:
            raise forms.ValidationError(
                [
                    f"dòng {row.row}: {row.message_vi} / line {row.row}: {row.message_en}"
                    for row in error.rows
                ]
                or [error.message_vi]
            ) from error
        if self.instance.pk and spec.code != self.instance.code:
            raise forms.ValidationError(
                f"Mã mẫu là “{self.instance.code}”, không đổi được (đã ghi “{spec.code}”)."
            )
        if (
            not self.instance.pk
            and ReportTemplate.objects.filter(code=spec.code).exists()
        ):
            raise forms.ValidationError(
                f"Đã có mẫu “{spec.code}”: sửa mẫu đó thay vì thêm mới."
            )
        return text


@admin.register(ReportTemplate)
class ReportTemplateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = ReportTemplateForm
    list_display = ["code", "version", "name", "edited", "updated_at"]
    readonly_fields = ["code", "version", "name", "edited"]
    change_list_template = "admin/reports/reporttemplate/change_list.html"

    def get_form(
        self,
        request: HttpRequest,
        obj: ReportTemplate | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[ReportTemplateForm]:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(
        self, request: HttpRequest, obj: ReportTemplate, form: Any, change: bool
    ) -> None:
        saved = services.template_save(
            actor=request.user, text=form.cleaned_data["text"], channel=Channel.WEB
        )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "load-shipped/",
                self.admin_site.admin_view(self.load_shipped),
                name="reports_reporttemplate_load",
            ),
            *super().get_urls(),
        ]

    def load_shipped(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and self.has_add_permission(request):
            counts = services.templates_load(actor=request.user)
            self.message_user(
                request,
                _(
                    "Shipped templates: %(created)d added, %(replaced)d replaced, %(unchanged)d unchanged."
                )
                % counts,
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:reports_reporttemplate_changelist"))
