from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from parkops.core import generic, permissions
from parkops.promotion import selectors, services
from parkops.promotion.forms import (
    InstitutionContactForm,
    InstitutionForm,
    PromotionEventForm,
    PromotionUnitForm,
    VisitForm,
)
from parkops.promotion.models import (
    Institution,
    InstitutionContact,
    PromotionEvent,
    PromotionUnit,
    Visit,
)
from parkops.promotion.tables import (
    InstitutionTable,
    PromotionEventTable,
    PromotionUnitTable,
    VisitTable,
)


class PromotionUnitListView(generic.ObjectListView):
    selector = selectors.promotion_unit_list
    table_class = PromotionUnitTable
    exchange_key = "promotion-units"


class PromotionStructureView(LoginRequiredMixin, TemplateView):
    """The active park's promotion structure as a tree, with heads and members."""

    template_name = "promotion/structure.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            permissions.require(request.user, PromotionUnit, permissions.VIEW)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        park = generic.active_park(self.request.user)
        context["park"] = park
        context["tree"] = selectors.promotion_structure(
            user=self.request.user, park_id=park.pk if park else None
        )
        return context


class PromotionUnitDetailView(generic.ObjectDetailView):
    model = PromotionUnit
    template_name = "promotion/promotionunit_detail.html"
    select_related = ("parent", "head", "park")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["children"] = selectors.promotion_unit_children(
            user=self.request.user, unit=self.object
        )
        context["members"] = selectors.promotion_unit_members(unit=self.object)
        return context


class PromotionUnitEditView(generic.ObjectEditView):
    model = PromotionUnit
    form_class = PromotionUnitForm

    def create(self, form, park):
        return services.unit_create(park=park, actor=self.request.user, **form.cleaned_data)

    def update(self, obj, form):
        return services.unit_update(unit=obj, actor=self.request.user, **form.cleaned_data)


# ------------------------------------------------------------------ institutions
class InstitutionListView(generic.ObjectListView):
    selector = selectors.institution_list
    table_class = InstitutionTable
    exchange_key = "institutions"


class InstitutionDetailView(generic.ObjectDetailView):
    model = Institution
    template_name = "promotion/institution_detail.html"
    select_related = ("park",)
    # A contact form refused by ``institution_contact_create``, shown again bound.
    contact_form = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, institution = self.request.user, self.object
        context["industries"] = selectors.institution_industries(user=user, institution=institution)
        context["contacts"] = selectors.institution_contact_list(user=user, institution=institution)
        context["visits"] = selectors.institution_visits(user=user, institution=institution)
        context["can_add_contact"] = permissions.can(
            user, InstitutionContact, permissions.ADD, institution.park_id
        )
        context["contact_form"] = self.contact_form or InstitutionContactForm(
            user=user, park=institution.park
        )
        context["can_view_personal_data"] = permissions.can_view_personal_data(
            user, institution.park_id
        )
        return context


class InstitutionEditView(generic.ObjectEditView):
    model = Institution
    form_class = InstitutionForm

    def create(self, form, park):
        return services.institution_create(park=park, actor=self.request.user, **form.cleaned_data)

    def update(self, obj, form):
        return services.institution_update(
            institution=obj, actor=self.request.user, **form.cleaned_data
        )


@require_POST
def institution_contact_create(request, pk):
    if not request.user.is_authenticated:
        permissions.deny()
    institution = generic.get_scoped_or_404(Institution, request.user, pk)
    form = InstitutionContactForm(request.POST, user=request.user, park=institution.park)
    if form.is_valid():
        try:
            services.institution_contact_create(
                institution=institution, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            generic.apply_validation_error(form, error)
        else:
            messages.success(request, _("Contact added."))
            return redirect(institution.get_absolute_url())
    # Refused: the page again, the form bound (what was typed, errors by field).
    view = InstitutionDetailView(contact_form=form)
    view.setup(request, pk=pk)
    view.object = institution
    return view.render_to_response(view.get_context_data(object=institution))


def institution_contact_phone(request, pk):
    """The full phone number as an htmx fragment, for users allowed personal data
    (``?hide=1``: the masked number again, nothing revealed)."""
    if not request.user.is_authenticated:
        permissions.deny()
    contact = generic.get_scoped_or_404(InstitutionContact, request.user, pk)
    context = {
        "contact": contact,
        "can_view_personal_data": permissions.can_view_personal_data(request.user, contact.park_id),
        "revealed": "hide" not in request.GET,
    }
    if context["revealed"]:
        context["phone"] = services.institution_contact_phone_reveal(
            contact=contact, actor=request.user
        )
    return render(request, "promotion/partials/phone.html", context)


# ------------------------------------------------------------------------ visits
class VisitListView(generic.ObjectListView):
    selector = selectors.visit_list
    table_class = VisitTable
    exchange_key = "visits"


class VisitDetailView(generic.ObjectDetailView):
    model = Visit
    template_name = "promotion/visit_detail.html"
    select_related = ("unit", "enterprise", "institution", "next_step_owner", "event", "park")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["staff"] = self.object.staff.order_by("username")
        return context


class VisitEditView(generic.ObjectEditView):
    model = Visit
    form_class = VisitForm

    def create(self, form, park):
        return services.visit_create(park=park, actor=self.request.user, **form.cleaned_data)

    def update(self, obj, form):
        return services.visit_update(visit=obj, actor=self.request.user, **form.cleaned_data)


# ---------------------------------------------------------------------- events
class PromotionEventListView(generic.ObjectListView):
    selector = selectors.promotion_event_list
    table_class = PromotionEventTable
    exchange_key = "promotion-events"


class PromotionEventDetailView(generic.ObjectDetailView):
    model = PromotionEvent
    template_name = "promotion/promotionevent_detail.html"
    select_related = ("organiser_unit", "park")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, event = self.request.user, self.object
        context["staff"] = selectors.event_staff(user=user, event=event)
        context["partner_parks"] = selectors.event_partner_parks(user=user, event=event)
        context["enterprises"] = selectors.event_enterprises(user=user, event=event)
        context["institutions"] = selectors.event_institutions(user=user, event=event)
        context["visits"] = selectors.event_visits(user=user, event=event)
        return context


class PromotionEventEditView(generic.ObjectEditView):
    model = PromotionEvent
    form_class = PromotionEventForm

    def create(self, form, park):
        return services.event_create(park=park, actor=self.request.user, **form.cleaned_data)

    def update(self, obj, form):
        return services.event_update(event=obj, actor=self.request.user, **form.cleaned_data)
