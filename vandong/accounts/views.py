"""Log in (rate limited, see forms.py) and log out (POST only)."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponse

from vandong.accounts.forms import LOCKED_OUT, LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, code=LOCKED_OUT):
            response.status_code = 429
            response["Retry-After"] = str(settings.LOGIN_LOCKOUT_SECONDS)
        return response


login = LoginView.as_view()
# Django's LogoutView accepts POST only.
logout = auth_views.LogoutView.as_view()
