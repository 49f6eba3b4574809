from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.services.invitations import invitable_roles
from core.mail import mail_send


class InviteForm(forms.Form):
    """Offers exactly the roles the inviter may invite (accounts.services.invitations.MAY_INVITE)."""

    email = forms.EmailField(label=_("Email"), error_messages={"invalid": _("Enter a valid email address.")})
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.ARTIST)

    def __init__(self, *args, inviter, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only the roles the inviter may invite; any known role still validates here, so that a
        # crafted one reaches the service, which refuses it with its message and audits the attempt.
        self.fields["role"].widget.choices = [(role, Role(role).label) for role in invitable_roles(inviter)]


class AcceptInvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email"), help_text=_("The address the invitation was sent to."))
    username = forms.CharField(label=_("Username"), max_length=150, validators=[UnicodeUsernameValidator()])
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        required=False,
        help_text=_("How your credit appears on published clips."),
    )
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            user = get_user_model()(username=data.get("username", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(p1, user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, required=False, help_text=_("What this token is for, e.g. 'render script'.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=True,
        error_messages={"required": _("Choose at least one thing the token may do.")},
        help_text=_("Give a token only what its script needs."),
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires in"),
        coerce=int,
        initial=90,
        choices=[(7, "7 days"), (30, "30 days"), (90, "90 days"), (365, "1 year")],
    )

    def __init__(self, *args, user=None, **kwargs):
        from accounts.services.tokens import SCOPES, default_scopes_for, scopes_for

        super().__init__(*args, **kwargs)
        allowed = scopes_for(user) if user is not None else list(SCOPES)
        self.fields["scopes"].choices = [(scope, f"{scope}: {SCOPES[scope]}") for scope in allowed]
        self.fields["scopes"].initial = default_scopes_for(user) if user is not None else allowed


class SecondFactorForm(forms.Form):
    """One code: six digits from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The six digits your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
        error_messages={"required": _("Type the code.")},
    )


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, whose message goes through the outbox (core.mail) instead of being sent by the
    request: a slow SMTP server never holds the page, and a failure is retried."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ) -> None:
        subject = render_to_string(subject_template_name, context)
        # The reset view runs outside any transaction (no ATOMIC_REQUESTS): the row is committed already.
        mail_send(to=[to_email], subject=subject, template=email_template_name, context=context, on_commit=False)
