"""Admin for roles and tokens. Roles are granted and revoked through the
accounts services (scope checks, audit), never edited in place; tokens are
only listed and revoked (they are created with `vandong users token`)."""

from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from vandong.accounts.forms import AdminLoginForm
from vandong.accounts.models import ApiToken, RoleAssignment
from vandong.accounts.queries import Actor
from vandong.accounts.services import (
    api_token_revoke,
    role_grant,
    role_grant_check,
    role_revoke,
)
from vandong.core.errors import DomainError

# The admin's own login counts failures like the site's (see forms.py).
admin.site.login_form = AdminLoginForm


def _message(error: DomainError) -> str:
    return (
        error.message_vi
        if (get_language() or "").startswith("vi")
        else error.message_en
    )


class RoleAssignmentForm(forms.ModelForm[RoleAssignment]):
    """Refuses, beside the field, a grant the service would refuse."""

    actor: ClassVar[Actor] = None

    class Meta:
        model = RoleAssignment
        fields = ("user", "role", "unit")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role = cleaned.get("role")
        if role and not self.errors:
            try:
                role_grant_check(actor=self.actor, role=role, unit=cleaned.get("unit"))
            except DomainError as error:
                field = error.field if error.field in self.fields else NON_FIELD_ERRORS
                raise ValidationError(
                    {field: _message(error)}, code=error.code
                ) from None
        return cleaned


def _with_actor(form: type[forms.ModelForm[Any]], actor: Actor) -> Any:
    # The admin builds a fresh form class per request; give it the actor.
    return type(form.__name__, (form,), {"actor": actor})


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin[RoleAssignment]):
    form = RoleAssignmentForm
    list_display = ("user", "role", "unit", "created_at")
    list_filter = ("role", "unit__level")
    list_select_related = ("user", "unit")
    search_fields = ("user__username", "user__first_name", "unit__code", "unit__name")
    raw_id_fields = ("user", "unit")
    date_hierarchy = "created_at"

    def get_form(
        self,
        request: HttpRequest,
        obj: RoleAssignment | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        return _with_actor(form, request.user)

    def has_change_permission(
        self, request: HttpRequest, obj: RoleAssignment | None = None
    ) -> bool:
        return False  # granted or revoked, never edited in place

    def save_model(
        self, request: HttpRequest, obj: RoleAssignment, form: Any, change: bool
    ) -> None:
        granted = role_grant(
            actor=request.user, user=obj.user, role=obj.role, unit=obj.unit
        )
        obj.pk = granted.pk
        obj.created_at = granted.created_at
        obj.updated_at = granted.updated_at
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: RoleAssignment) -> None:
        role_revoke(actor=request.user, user=obj.user, role=obj.role, unit=obj.unit)

    def delete_queryset(
        self, request: HttpRequest, queryset: QuerySet[RoleAssignment]
    ) -> None:
        for assignment in queryset.select_related("user", "unit"):
            self.delete_model(request, assignment)


class RoleAssignmentInline(admin.TabularInline[RoleAssignment, Any]):
    model = RoleAssignment
    form = RoleAssignmentForm
    fk_name = "user"
    fields = ("role", "unit")
    raw_id_fields = ("unit",)
    extra = 0

    def get_formset(
        self, request: HttpRequest, obj: Any = None, **kwargs: Any
    ) -> type[BaseInlineFormSet[RoleAssignment, Any, Any]]:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _with_actor(formset.form, request.user)
        return formset

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # existing roles show read-only; add or delete rows


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin[Any]):
    """Django's user admin with the user's roles inline, saved through services."""

    inlines = (RoleAssignmentInline,)

    def save_formset(
        self, request: HttpRequest, form: Any, formset: Any, change: bool
    ) -> None:
        if formset.model is not RoleAssignment:
            super().save_formset(request, form, formset, change)
            return
        new_rows = [row for row in formset.save(commit=False) if row.pk is None]
        # Deleted rows were shown read-only, so their posted form is empty:
        # revoke what is stored, not what the form rebuilt.
        deleted = RoleAssignment.objects.filter(
            user=form.instance, pk__in=[row.pk for row in formset.deleted_objects]
        ).select_related("unit")
        for row in deleted:
            role_revoke(
                actor=request.user, user=form.instance, role=row.role, unit=row.unit
            )
        for row in new_rows:
            role_grant(
                actor=request.user, user=form.instance, role=row.role, unit=row.unit
            )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = (
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    list_select_related = ("user",)
    search_fields = ("name", "prefix", "user__username")
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "digest",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # `vandong users token` creates them and shows them once

    def has_change_permission(
        self, request: HttpRequest, obj: ApiToken | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: ApiToken | None = None
    ) -> bool:
        return False  # revoke instead: the audit keeps the trace

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for api_token in queryset.select_related("user").filter(
            revoked_at__isnull=True
        ):
            try:
                api_token_revoke(actor=request.user, api_token=api_token)
            except DomainError as error:
                self.message_user(request, _message(error), messages.ERROR)
                continue
            count += 1
        self.message_user(
            request,
            ngettext("Revoked %(count)d token.", "Revoked %(count)d tokens.", count)
            % {"count": count},
            messages.SUCCESS,
        )
