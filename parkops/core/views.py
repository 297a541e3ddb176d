"""Core pages: home, parks, alliances, industries, the audit log, the park switcher,
the list filters' pickers."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from parkops.accounts.middleware import ACTIVE_PARK_SESSION_KEY
from parkops.core import generic, navigation, permissions, pickers, selectors, services
from parkops.core.audit_display import AuditReader
from parkops.core.forms import IndustryForm, ParkForm
from parkops.core.models import Alliance, AuditEntry, Industry, Park
from parkops.core.tables import AllianceTable, AuditEntryTable, IndustryTable, ParkTable


def favicon(request):
    # Browsers ask for /favicon.ico whatever the page says.
    from django.templatetags.static import static

    return redirect(static("core/favicon.svg"), permanent=True)


@login_required
def home(request):
    return render(
        request,
        "core/home.html",
        {
            "park_rows": selectors.park_counts(user=request.user),
            "home_notices": navigation.home_notices(request),
        },
    )


@require_POST
@login_required
def park_switch(request):
    """Make another of the user's parks the active one (a session preference)."""
    try:
        park_id = int(request.POST.get("park", ""))
    except ValueError:
        park_id = None
    if park_id not in permissions.user_park_ids(request.user):
        permissions.deny()
    request.session[ACTIVE_PARK_SESSION_KEY] = park_id
    return redirect(generic.next_url(request, "/"))


class ParkListView(generic.ObjectListView):
    selector = selectors.park_list
    table_class = ParkTable
    exchange_key = "parks"


class ParkEditView(generic.ObjectEditView):
    model = Park
    form_class = ParkForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["park"] = self.object  # a park is its own park
        return kwargs

    def create(self, form, park):
        return services.park_create(actor=self.request.user, **form.cleaned_data)

    def update(self, obj, form):
        return services.park_update(park=obj, actor=self.request.user, **form.cleaned_data)


class ParkDetailView(generic.ObjectDetailView):
    model = Park
    template_name = "core/park_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["alliances"] = selectors.park_alliances(user=self.request.user, park=self.object)
        return context


class AllianceListView(generic.ObjectListView):
    selector = selectors.alliance_list
    table_class = AllianceTable
    exchange_key = "alliances"


class AllianceDetailView(generic.ObjectDetailView):
    model = Alliance
    template_name = "core/alliance_detail.html"
    select_related = ("lead_park",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["member_parks"] = selectors.alliance_members(alliance=self.object)
        return context


class IndustryListView(generic.ObjectListView):
    selector = selectors.industry_list
    table_class = IndustryTable
    exchange_key = "industries"


class IndustryDetailView(generic.ObjectDetailView):
    model = Industry
    template_name = "core/industry_detail.html"
    select_related = ("parent", "park")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["children"] = selectors.industry_children(
            user=self.request.user, industry=self.object
        )
        return context


class IndustryEditView(generic.ObjectEditView):
    model = Industry
    form_class = IndustryForm

    def create(self, form, park):
        return services.industry_create(park=park, actor=self.request.user, **form.cleaned_data)

    def update(self, obj, form):
        return services.industry_update(industry=obj, actor=self.request.user, **form.cleaned_data)


class AuditEntryListView(generic.ObjectListView):
    selector = selectors.audit_entry_list
    table_class = AuditEntryTable

    def get_table_kwargs(self):
        return {"reader": AuditReader(self.request.user)}


@login_required
def audit_export(request, fmt="xlsx"):
    """The audit log as the list shows it (same filters, same masking), for the
    audit administrator."""
    from parkops.core.exchange.registers import AUDIT_LOG
    from parkops.core.exchange.views import export_response

    return export_response(request, AUDIT_LOG, fmt=fmt)


class AuditEntryDetailView(generic.ObjectDetailView):
    model = AuditEntry
    template_name = "core/auditentry_detail.html"
    select_related = ("park", "actor")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reader = AuditReader(self.request.user)
        context["shown"] = reader.display(self.object)
        context["object_url"] = reader.object_url(self.object)
        return context


def error_404(request, exception):
    return render(request, "404.html", status=404)


def error_405(request, response):
    """The product's page for a method the address does not take (a GET to a
    POST-only action), keeping the refused response's status and Allow header."""
    page = render(request, "405.html", status=405)
    page["Allow"] = response["Allow"]
    return page


def error_403(request, exception):
    # Every refusal is evidence (等保2.0: audit of access-control events).
    from parkops.core import audit

    audit.record_denied(request)
    # Only a reason given to ``permissions.deny`` is shown: other exceptions'
    # texts may carry internal detail.
    reason = exception.reason if isinstance(exception, permissions.Refusal) else None
    back = request.headers.get("Referer")
    if not back or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = None
    return render(request, "403.html", {"reason": reason, "back": back}, status=403)


def error_500(request):
    # No request context: the shell's context processors may be what failed.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render({}))


@require_GET
def pick(request, key: str, field: str):
    """The records the filter ``field`` of the FilterSet ``key`` offers the user
    that match ``q``, as ``{"results": [{"value", "text"}]}`` (``core.pickers``):
    the filter's queryset narrowed to the user's scope, so no other park's record
    is ever offered. Only a filter the list draws as a picker is served (404
    otherwise); refused (403) to a user who may not view the list it filters."""
    if not request.user.is_authenticated:
        permissions.deny()
    form_field = pickers.picker_field(key=key, field=field, user=request.user)
    if form_field is None:
        raise Http404
    results = pickers.picker_options(form_field, user=request.user, text=request.GET.get("q", ""))
    return JsonResponse({"results": results})


@require_GET
def pick_region(request):
    """The GB/T 2260 places matching ``q``, as ``{"results": [{"value", "text"}]}``
    (``core.pickers.RegionPicker``): reference data of no park, for any
    signed-in user."""
    if not request.user.is_authenticated:
        permissions.deny()
    return JsonResponse({"results": pickers.region_options(request.GET.get("q", ""))})
