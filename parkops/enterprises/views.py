from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parkops.core import generic, permissions
from parkops.enterprises import search_index, selectors, services
from parkops.enterprises.forms import ContactForm, EnterpriseForm
from parkops.enterprises.models import Contact, Enterprise
from parkops.enterprises.tables import EnterpriseTable


def search_limited_note(text: str, *, filtered: bool = False) -> str:
    """What the list says under its search field when the search was limited;
    ``filtered``: among the rows other filters left (the search runs last)."""
    if filtered:
        message = _(
            "Fewer than 3 characters: among the enterprises the other filters leave, "
            "every name and credit code starting with “%(text)s” is found, other "
            "matches only among the first %(limit)s of each park. Type 3 characters "
            "or more to search them all."
        )
    else:
        message = _(
            "Fewer than 3 characters: every name and credit code starting with “%(text)s” "
            "is found, other matches only among the first %(limit)s enterprises of each "
            "park in the list. Type 3 characters or more to search them all."
        )
    return message % {"text": text, "limit": f"{search_index.SCAN_LIMIT:,}"}


class EnterpriseListView(generic.ObjectListView):
    selector = selectors.enterprise_list
    table_class = EnterpriseTable
    exchange_key = "enterprises"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A text below a trigram is looked for in part of a long list only
        # (``selectors.enterprise_search``): say so under the search field as
        # a note, not an error (the search ran; also on htmx updates).
        text = self.request.GET.get("q", "").strip()
        if text and self.filterset.form.is_valid():
            park_id = generic.list_park_id(self.request, self.filterset_class)
            if selectors.list_search_limited(
                user=self.request.user, filters=self.request.GET, park_id=park_id
            ):
                # Other filters set besides the search (``filters_active`` counts it).
                filtered = context["filters_active"] > 1
                context["search_note"] = search_limited_note(text, filtered=filtered)
        return context


class EnterpriseDetailView(generic.ObjectDetailView):
    model = Enterprise
    template_name = "enterprises/enterprise_detail.html"
    select_related = ("industry", "commissioner", "park")
    # A contact form refused by ``contact_create``, shown again bound.
    contact_form = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["contacts"] = selectors.contact_list(user=user, enterprise=self.object)
        context["can_add_contact"] = permissions.can(
            user, Contact, permissions.ADD, self.object.park_id
        )
        context["contact_form"] = self.contact_form or ContactForm(user=user, park=self.object.park)
        context["can_change_contact"] = permissions.can(
            user, Contact, permissions.CHANGE, self.object.park_id
        )
        context["can_view_personal_data"] = permissions.can_view_personal_data(
            user, self.object.park_id
        )
        return context


class EnterpriseEditView(generic.ObjectEditView):
    model = Enterprise
    form_class = EnterpriseForm

    def create(self, form, park):
        return services.enterprise_create(park=park, actor=self.request.user, **form.cleaned_data)

    def update(self, obj, form):
        return services.enterprise_update(
            enterprise=obj, actor=self.request.user, **form.cleaned_data
        )


@require_POST
def contact_create(request, pk):
    if not request.user.is_authenticated:
        permissions.deny()
    enterprise = generic.get_scoped_or_404(Enterprise, request.user, pk)
    form = ContactForm(request.POST, user=request.user, park=enterprise.park)
    if form.is_valid():
        try:
            services.contact_create(enterprise=enterprise, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            generic.apply_validation_error(form, error)
        else:
            messages.success(request, _("Contact added."))
            return redirect(enterprise.get_absolute_url())
    # Refused: the page again, the form bound (what was typed, errors by field).
    view = EnterpriseDetailView(contact_form=form)
    view.setup(request, pk=pk)
    view.object = enterprise
    return view.render_to_response(view.get_context_data(object=enterprise))


def contact_phone(request, pk):
    """The full phone number as an htmx fragment, for users allowed personal data,
    with a link to hide it again (``?hide=1``: the masked number, nothing revealed)."""
    if not request.user.is_authenticated:
        permissions.deny()
    contact = generic.get_scoped_or_404(Contact, request.user, pk)
    context = {
        "contact": contact,
        "can_view_personal_data": permissions.can_view_personal_data(request.user, contact.park_id),
        "revealed": "hide" not in request.GET,
    }
    if context["revealed"]:
        context["phone"] = services.contact_phone_reveal(contact=contact, actor=request.user)
    return render(request, "enterprises/partials/phone.html", context)


@require_POST
def contact_anonymise(request, pk):
    if not request.user.is_authenticated:
        permissions.deny()
    contact = generic.get_scoped_or_404(Contact, request.user, pk)
    services.contact_anonymise(contact=contact, actor=request.user)
    messages.success(request, _("The contact's personal data was erased."))
    return redirect(contact.enterprise.get_absolute_url())
