"""The portal's pages: the public ones (marked ``@public``), onboarding from the e-mailed
link, the agreement, and the access-request queue of agency administrators and the HMIS team."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sunflower.accounts.policy import Action, can, require
from sunflower.accounts.roles import Role
from sunflower.audit.actions import record_view
from sunflower.audit.middleware import client_address
from sunflower.core.forms import add_validation_errors
from sunflower.core.middleware import public

from . import actions
from .forms import (
    AccessRequestForm,
    ChoosePasswordForm,
    ConfirmPasswordForm,
    DecisionForm,
    SignAgreementForm,
)
from .markup import render_markdown
from .middleware import SESSION_KEY
from .models import AccessRequest, ResourceFile, ResourcePage, UserAgreement
from .spam import count_submission, over_limit

ONBOARDING_SESSION_KEY = "portal_onboarding_user"


def _contact() -> dict:
    return {
        "email": settings.HMIS_HELP_EMAIL,
        "phone": settings.HMIS_HELP_PHONE,
        "organization": settings.HMIS_LEAD_NAME,
    }


@public
def home(request):
    return render(request, "portal/home.html", {"contact": _contact()})


@public
def access(request):
    """How to get access, and the roles explained (the role summaries of the home page)."""
    roles = [role for role in Role if role != Role.HMIS_ADMIN]
    return render(
        request,
        "portal/access.html",
        {"role_templates": [f"accounts/roles/{role.value}.html" for role in roles]},
    )


@public
def resources(request):
    pages = ResourcePage.objects.filter(is_published=True).prefetch_related("files")
    sections = {}
    for page in pages:
        sections.setdefault(page.get_kind_display(), []).append(page)
    return render(request, "portal/resources.html", {"sections": sections})


@public
def resource_page(request, slug: str):
    page = get_object_or_404(
        ResourcePage.objects.prefetch_related("files"), slug=slug, is_published=True
    )
    return render(
        request, "portal/resource_page.html", {"page": page, "body": render_markdown(page.body())}
    )


@public
def resource_file(request, pk: int):
    item = get_object_or_404(ResourceFile, pk=pk, page__is_published=True)
    name = item.file.name.rsplit("/", 1)[-1]
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=name)


@public
def contact(request):
    return render(request, "portal/contact.html", {"contact": _contact()})


@public
@require_http_methods(["GET", "POST"])
def request_access(request):
    form = AccessRequestForm(request.POST or None)
    address = client_address(request)
    if request.method == "POST":
        if over_limit("access", address):
            form.add_error(
                None,
                _("Too many requests from your network in the last hour. Please try again later."),
            )
        elif form.is_valid():
            fields = {k: v for k, v in form.cleaned_data.items() if k != "website"}
            try:
                actions.submit_access_request(**fields)
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                count_submission("access", address)
                return redirect("portal:request_access_sent")
    return render(request, "portal/request_access.html", {"form": form})


@public
def request_access_sent(request):
    return render(request, "portal/request_access_sent.html")


# --- onboarding ---------------------------------------------------------------------------


def onboarding_account(request):
    """The not-yet-active account whose owner confirmed their password on the onboarding
    page in this session (trainings are taken before the account can sign in)."""
    from sunflower.accounts.models import User

    pk = request.session.get(ONBOARDING_SESSION_KEY)
    return User.objects.filter(pk=pk, is_active=False).first() if pk else None


@public
@require_http_methods(["GET", "POST"])
def onboarding(request, token: str):
    """From the e-mailed link: choose a password (first visit) or confirm it (later visits),
    then sign the agreement; the page lists what remains before the account is active."""
    account = actions.user_from_onboarding_token(token)
    if account is None:
        return render(request, "portal/onboarding_invalid.html", status=400)
    confirmed = request.session.get(ONBOARDING_SESSION_KEY) == account.pk
    password_form = confirm_form = sign_form = None
    agreement = UserAgreement.in_force()
    if not account.has_usable_password():
        password_form = ChoosePasswordForm(account, request.POST or None)
        if request.method == "POST" and password_form.is_valid():
            account.set_password(password_form.cleaned_data["password1"])
            account.save(update_fields=["password"])
            request.session.cycle_key()
            request.session[ONBOARDING_SESSION_KEY] = account.pk
            actions.activate_if_ready(account)
            return redirect(request.path)
    elif not confirmed:
        confirm_form = ConfirmPasswordForm(request.POST or None)
        if request.method == "POST" and confirm_form.is_valid():
            if account.check_password(confirm_form.cleaned_data["password"]):
                request.session.cycle_key()
                request.session[ONBOARDING_SESSION_KEY] = account.pk
                return redirect(request.path)
            confirm_form.add_error("password", _("That is not your password."))
    elif agreement is not None and not actions.has_signed(account, agreement):
        sign_form = SignAgreementForm(request.POST or None)
        if request.method == "POST" and sign_form.is_valid():
            try:
                actions.sign_agreement(
                    account,
                    agreement,
                    sign_form.cleaned_data["typed_name"],
                    client_address(request),
                )
            except ValidationError as error:
                add_validation_errors(sign_form, error)
            else:
                return redirect(request.path)
    account.refresh_from_db()
    return render(
        request,
        "portal/onboarding.html",
        {
            "account": account,
            "password_form": password_form,
            "confirm_form": confirm_form,
            "sign_form": sign_form,
            "agreement": agreement,
            "agreement_html": render_markdown(agreement.body) if agreement else "",
            "blockers": actions.activation_blockers(account),
            "can_train": request.session.get(ONBOARDING_SESSION_KEY) == account.pk,
        },
    )


@require_http_methods(["GET", "POST"])
def agreement(request):
    """A signed-in user signs the agreement in force (the middleware sends them here)."""
    current = UserAgreement.in_force()
    target = request.GET.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("home")
    if current is None or actions.has_signed(request.user, current):
        # The cache named an agreement this user need not sign (rolled back, or not yet in
        # force): drop it so the next page asks again, rather than looping.
        actions.forget_agreement_in_force()
        return redirect(target)
    form = SignAgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.sign_agreement(
                request.user, current, form.cleaned_data["typed_name"], client_address(request)
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            request.session[SESSION_KEY] = current.version
            messages.success(request, _("Thank you: the agreement is signed."))
            return redirect(target)
    return render(
        request,
        "portal/agreement.html",
        {"agreement": current, "agreement_html": render_markdown(current.body), "form": form},
    )


# --- the access-request queue -------------------------------------------------------------


def access_requests(request):
    """Agency administrators: their agencies' requests; the HMIS team: every request."""
    require(request.user, Action.REQUEST_USERS_AND_PROGRAM_CHANGES)
    status = request.GET.get("status", "open")
    queryset = actions.requests_for_review(request.user)
    if status == "open":
        queryset = queryset.filter(
            status__in=[AccessRequest.Status.AWAITING_AGENCY, AccessRequest.Status.AWAITING_HMIS]
        )
    return render(
        request,
        "portal/access_requests.html",
        {"requests": list(queryset[:200]), "status": status},
    )


@require_http_methods(["GET", "POST"])
def access_request_detail(request, pk: int):
    access_request = get_object_or_404(actions.requests_for_review(request.user), pk=pk)
    require(request.user, Action.REQUEST_USERS_AND_PROGRAM_CHANGES, access_request)
    record_view(request.user, access_request)  # the applicant's details were read
    Status = AccessRequest.Status
    step = None
    if access_request.status == Status.AWAITING_AGENCY and can(
        request.user, Action.REQUEST_USERS_AND_PROGRAM_CHANGES, access_request
    ):
        step = "agency"
    elif access_request.status == Status.AWAITING_HMIS and can(
        request.user, Action.MANAGE_USERS_PROJECTS_APPROVALS
    ):
        step = "hmis"
    form = DecisionForm(request.POST or None) if step else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            decide = actions.decide_as_agency if step == "agency" else actions.decide_as_hmis_team
            approve = form.cleaned_data["decision"] == "approve"
            try:
                decide(access_request, request.user, approve, form.cleaned_data["note"])
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Decision recorded."))
                return redirect("agency_requests")
    return render(
        request,
        "portal/access_request_detail.html",
        {"access_request": access_request, "form": form, "step": step},
    )
