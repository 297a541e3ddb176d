from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView

from parkops.core import generic, permissions
from parkops.projects import documents, selectors, services
from parkops.projects.forms import (
    AdvanceForm,
    AnnualPlanForm,
    ApplyTemplateForm,
    CorrectionForm,
    DocumentForm,
    EnteredStatisticsForm,
    FirstContactForm,
    InvestmentEntryForm,
    LeadPolicyForm,
    MajorListingForm,
    MilestoneActualForm,
    MilestoneForm,
    MilestoneTemplateForm,
    NoteForm,
    ParkInvestmentPlanForm,
    ProjectForm,
    ProjectVisitForm,
    TrafficRuleForm,
)
from parkops.projects.lights import BOARD_STAGES
from parkops.projects.models import (
    AnnualPlan,
    InvestmentEntry,
    LeadPolicy,
    MajorListing,
    Milestone,
    MilestoneTemplate,
    ParkInvestmentPlan,
    Project,
    ProjectDocument,
    ProjectEvent,
    ProjectVisit,
    Stage,
    TrafficRule,
)
from parkops.projects.tables import (
    AnnualPlanTable,
    InvestmentEntryTable,
    LeadPolicyTable,
    MajorListingTable,
    MilestoneTable,
    MilestoneTemplateTable,
    ParkInvestmentPlanTable,
    ProjectTable,
    TrafficRuleTable,
    investment_columns,
    wan_yuan,
)


class ProjectListView(generic.ObjectListView):
    selector = selectors.project_list
    table_class = ProjectTable
    exchange_key = "projects"

    def get_queryset(self):
        # The dates of each row's lead-handling steps, for its deadline column.
        return selectors.with_lead_dates(super().get_queryset(), user=self.request.user)

    def get_table(self, **kwargs):
        # From the report card's major-project money figures: the amounts behind
        # them, and their totals, beside the projects.
        valid = self.filterset.is_valid()
        day = self.filterset.form.cleaned_data.get("investment_to") if valid else None
        if day:
            totals = selectors.investment_totals(
                self.get_table_data(), day=day, user=self.request.user
            )
            kwargs["extra_columns"] = investment_columns(totals)
        return super().get_table(**kwargs)


class ProjectDetailView(generic.ObjectDetailView):
    """The project's story: who brought it in, who has it now, its stages with
    their dates (corrections shown beside what they correct) and what may be
    done next."""

    model = Project
    template_name = "projects/project_detail.html"
    select_related = (
        "park",
        "investor",
        "industry",
        "source_visit",
        # The source visit is shown by its enterprise or institution (``Visit.__str__``).
        "source_visit__enterprise",
        "source_visit__institution",
        "source_event",
        "first_contact_unit",
        "first_contact_officer",
        "owner_unit",
        "owner_officer",
        "signing_event",
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, project = self.request.user, self.object
        events = list(selectors.project_events(user=user, project=project))
        context["events"] = events
        can_correct = permissions.can(user, Project, permissions.CHANGE, project.park_id)
        for event in events:  # who may re-date a change: its stage's writers
            event.may_correct = (
                can_correct
                and event.kind == ProjectEvent.Kind.STAGE
                and not services.event_correct_refusal(user, project, event)
            )
        context["stage_dates"] = selectors.stage_dates(project, user=user)
        context["show_terms"] = selectors.can_read_terms(user, project)
        may_change = services.may_change(user, project)
        context["can_change"] = may_change
        context["next_stages"] = services.allowed_next_stages(project) if may_change else []
        context["advance_form"] = AdvanceForm(
            stages=context["next_stages"], user=user, park=project.park_id
        )
        context["write_refusal"] = (
            services.write_refusal(user, project)
            if permissions.can(user, Project, permissions.CHANGE, project.park_id)
            else None
        )
        context["can_change_first_contact"] = services.may_change_first_contact(user, project)
        # Lead handling (线索处理时限): the next step and its deadline, and its form.
        context["deadline"] = selectors.project_deadline(project, user=user)
        # Lead handling (研判/反馈/进展) for leads and negotiations, progress
        # notes (推进情况) from signing on: whoever may write at the phase.
        context["lead_phase"] = services.phase_stage(project) in services.PROMOTION_STAGES
        context["note_form"] = (
            NoteForm(events=events, kinds=services.note_kinds(project))
            if services.may_note(user, project)
            else None
        )
        # Documents (the signed agreement and others).
        context["documents"] = selectors.project_documents(user=user, project=project)
        context["may_attach"] = services.may_attach(user, project)
        context["document_form"] = DocumentForm() if context["may_attach"] else None
        # Later visits to the investor linked to the project (关联拜访).
        context["linked_visits"] = selectors.project_visits(user=user, project=project)
        context["may_link_visits"] = services.may_link_visits(user, project)
        context["visit_form"] = (
            ProjectVisitForm(user=user, project=project) if context["may_link_visits"] else None
        )
        # Milestones (计划节点) with their lights, and the project's light.
        milestones = selectors.project_milestones(user=user, project=project)
        context["milestones"] = milestones
        if project.stage in BOARD_STAGES:
            light, per_milestone = selectors.project_lights(project, milestones)
            context["light"] = light
            for milestone in milestones:
                milestone.light = per_milestone[milestone.pk]
                milestone.may_verify = services.may_verify(user, milestone)
        context["may_plan_milestones"] = services.may_plan_milestones(user, project)
        # ``?year=`` picks the investment chart's year; one not a plan's year
        # range (2000–2100) is ignored, as an absent one is.
        year = _int(self.request.GET.get("year"))
        year = year if year and 2000 <= year <= 2100 else None
        context.update(_delivery_context(user, project, may_change, year=year))
        return context


def _delivery_context(user, project, may_change, *, year=None) -> dict:
    """The project page's delivery part: entered statistics (列统入规) and, for
    those who may read it, the year's investment against plan (序时进度)."""
    park = project.park_id
    entered_on = selectors.entered_statistics_on(project)
    started = project.stage in (Stage.STARTED, Stage.COMPLETED, Stage.PRODUCING)
    signed = services.phase_stage(project) not in services.PROMOTION_STAGES
    context = {
        "entered_statistics_on": entered_on,
        "entered_statistics_form": (
            EnteredStatisticsForm() if may_change and started and entered_on is None else None
        ),
        "investment": None,
    }
    if signed and permissions.can(user, InvestmentEntry, permissions.VIEW, park):
        investment = selectors.project_investment(project, user=user, year=year)
        context["investment"] = investment
        context["investment_chart"] = selectors.investment_chart(investment)
        context["may_enter_investment"] = permissions.can(
            user, InvestmentEntry, permissions.ADD, park
        )
        context["may_plan"] = permissions.can(user, AnnualPlan, permissions.ADD, park)
        context["may_list_major"] = permissions.can(user, MajorListing, permissions.ADD, park)
    return context


class ProjectEditView(generic.ObjectEditView):
    model = Project
    form_class = ProjectForm
    # A new project is a lead: its add page says "Record a lead" (登记线索).
    template_name = "projects/project_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and "pk" not in kwargs and request.GET.get("park"):
            # A new lead in the park a link names (``?park=<code>``: the visit and
            # event pages' "record a lead"), one of the user's (else 404), for this
            # request only; the switcher's choice is unchanged.
            request.user.active_park_id = generic.list_park_id(request)
        if request.user.is_authenticated and "pk" in kwargs:
            project = generic.get_scoped_or_404(Project, request.user, kwargs["pk"])
            refusal = services.write_refusal(request.user, project)
            if refusal and permissions.can(
                request.user, Project, permissions.CHANGE, project.park_id
            ):
                permissions.deny(refusal)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        if self.object is None:  # a new lead, from a visit or an event (?source_visit=…)
            query = self.request.GET
            initial.update(
                selectors.lead_source_initial(
                    user=self.request.user,
                    park=self.park,
                    visit_id=_int(query.get("source_visit")),
                    event_id=_int(query.get("source_event")),
                )
            )
        return initial

    def create(self, form, park):
        return services.project_create(park=park, actor=self.request.user, **form.cleaned_data)

    def update(self, obj, form):
        return services.project_update(project=obj, actor=self.request.user, **form.cleaned_data)


def _int(value) -> int | None:
    return int(value) if value and value.isdigit() else None


class _ProjectActionView(LoginRequiredMixin, FormView):
    """A page with one action on a project (its form; the detail page shows the
    same form inline): refused with the reason before the form is shown."""

    template_name = "projects/project_action.html"
    model = Project
    title = ""

    def get_target(self):
        return generic.get_scoped_or_404(Project, self.request.user, self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.target = self.get_target()
        self.project = self.target if isinstance(self.target, Project) else self.target.project
        self.refuse()
        return super().dispatch(request, *args, **kwargs)

    def refuse(self):
        refusal = services.write_refusal(self.request.user, self.project)
        if refusal:
            permissions.deny(refusal)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            project=self.project, target=self.target, title=self.title, action=self.request.path
        )
        return context

    def form_valid(self, form):
        try:
            self.act(form.cleaned_data)
        except ValidationError as error:
            generic.apply_validation_error(form, error)
            return self.form_invalid(form)
        return redirect(self.project.get_absolute_url())


class ProjectStageView(_ProjectActionView):
    """Move a project to its next stage (only the allowed next stages are offered)."""

    form_class = AdvanceForm

    @property
    def title(self):
        return _("Change stage")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["stages"] = services.allowed_next_stages(self.project)
        kwargs.update(user=self.request.user, park=self.project.park_id)
        return kwargs

    def act(self, data):
        project = services.project_advance(
            project=self.project,
            to_stage=data["to_stage"],
            on_date=data["on_date"],
            actor=self.request.user,
            note=data.get("note") or "",
            reason=data.get("reason") or "",
            signing_amount=data.get("signing_amount"),
            signing_event=data.get("signing_event"),
        )
        messages.success(
            self.request,
            _("“%(name)s” is now at “%(stage)s”.")
            % {"name": project, "stage": project.get_stage_display()},
        )


class ProjectEventCorrectView(_ProjectActionView):
    """Correct the date of one stage change, with a reason (the original stays)."""

    form_class = CorrectionForm

    @property
    def title(self):
        return _("Correct the date")

    def get_target(self):
        return generic.get_scoped_or_404(ProjectEvent, self.request.user, self.kwargs["pk"])

    def act(self, data):
        services.project_event_correct(
            event=self.target,
            on_date=data["on_date"],
            reason=data["reason"],
            actor=self.request.user,
        )
        messages.success(self.request, _("Date corrected; the earlier date stays in the history."))


class ProjectFirstContactView(_ProjectActionView):
    """A park leader changes the project's first contact, with a reason."""

    form_class = FirstContactForm

    @property
    def title(self):
        return _("Change first contact")

    def refuse(self):
        if not services.may_change_first_contact(self.request.user, self.project):
            permissions.deny(
                _(
                    "Only a park leader of the project's park may change its first contact "
                    "(项目首招负责制)."
                )
            )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, project=self.project)
        return kwargs

    def act(self, data):
        services.project_first_contact_change(
            project=self.project,
            unit=data["unit"],
            officer=data.get("officer"),
            reason=data["reason"],
            actor=self.request.user,
        )
        messages.success(self.request, _("First contact changed; the change is in the history."))


class ProjectNoteView(_ProjectActionView):
    """Record a lead-handling step: an assessment, the feedback, a progress note."""

    form_class = NoteForm

    @property
    def title(self):
        return _("Record a handling step")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["kinds"] = services.note_kinds(self.project)
        return kwargs

    def act(self, data):
        services.project_note(
            project=self.project,
            kind=data["kind"],
            on_date=data["on_date"],
            note=data["note"],
            actor=self.request.user,
        )
        if services.phase_stage(self.project) in services.PROMOTION_STAGES:
            messages.success(self.request, _("Recorded; the next deadline follows from it."))
        else:
            messages.success(
                self.request, _("Progress recorded; the project's light counts from it.")
            )


class ProjectDocumentAddView(_ProjectActionView):
    """Attach a document (the signed agreement, a memorandum) to a project."""

    form_class = DocumentForm

    @property
    def title(self):
        return _("Attach a document")

    def refuse(self):
        if not permissions.can(
            self.request.user, ProjectDocument, permissions.ADD, self.project.park_id
        ):
            permissions.deny()
        refusal = services.document_refusal(self.request.user, self.project)
        if refusal:
            permissions.deny(refusal)

    def post(self, request, *args, **kwargs):
        stopped = documents.too_big(request)
        if stopped:  # the upload handler stopped reading it: say why, as for any too big
            form = self.get_form()
            form.is_valid()
            form.errors.pop("file", None)
            form.add_error("file", services.document_too_big_message(**stopped))
            return self.form_invalid(form)
        return super().post(request, *args, **kwargs)

    def act(self, data):
        document = services.document_add(
            project=self.project, upload=data["file"], kind=data["kind"], actor=self.request.user
        )
        messages.success(self.request, _("“%(name)s” attached.") % {"name": document})


class ProjectVisitAddView(_ProjectActionView):
    """Link a later visit to the investor to a project (关联拜访)."""

    form_class = ProjectVisitForm

    @property
    def title(self):
        return _("Link a visit")

    def refuse(self):
        if not permissions.can(
            self.request.user, ProjectVisit, permissions.ADD, self.project.park_id
        ):
            permissions.deny()
        refusal = services.visit_link_refusal(self.request.user, self.project)
        if refusal:
            permissions.deny(refusal)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, project=self.project)
        return kwargs

    def act(self, data):
        link = services.project_visit_link(
            project=self.project, visit=data["visit"], actor=self.request.user
        )
        messages.success(self.request, _("Visit “%(visit)s” linked.") % {"visit": link.visit})


@require_POST
def projectvisit_delete(request, pk):
    """Unlink a visit from its project (the visit stays)."""
    if not request.user.is_authenticated:
        permissions.deny()
    link = generic.get_scoped_or_404(ProjectVisit, request.user, pk)
    back = link.project.get_absolute_url()
    services.project_visit_unlink(link=link, actor=request.user)
    messages.success(request, _("Visit “%(visit)s” unlinked.") % {"visit": link.visit})
    return redirect(back)


def projectdocument_download(request, pk):
    """A document's file, as an attachment: only through here (never a static
    path), within the user's scope (another park's is a 404), audited."""
    if not request.user.is_authenticated:
        permissions.deny()
    document = generic.get_scoped_or_404(ProjectDocument, request.user, pk)
    handle = services.document_download(document=document, actor=request.user)
    return documents.file_response(document, handle)


@require_POST
def projectdocument_delete(request, pk):
    if not request.user.is_authenticated:
        permissions.deny()
    document = generic.get_scoped_or_404(ProjectDocument, request.user, pk)
    back = document.project.get_absolute_url()
    services.document_delete(document=document, actor=request.user)
    messages.success(request, _("“%(name)s” removed.") % {"name": document})
    return redirect(back)


class LeadPolicyListView(generic.ObjectListView):
    selector = selectors.lead_policy_list
    table_class = LeadPolicyTable
    template_name = "projects/leadpolicy_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["defaults"] = LeadPolicy(**LeadPolicy.DEFAULTS)
        return context


class LeadPolicyDetailView(generic.ObjectDetailView):
    model = LeadPolicy
    template_name = "projects/leadpolicy_detail.html"
    select_related = ("park",)


class LeadPolicyEditView(generic.ObjectEditView):
    model = LeadPolicy
    form_class = LeadPolicyForm

    def get_initial(self):
        return dict(LeadPolicy.DEFAULTS) if self.object is None else {}

    def create(self, form, park):
        return services.lead_policy_create(park=park, actor=self.request.user, **form.cleaned_data)

    def update(self, obj, form):
        return services.lead_policy_update(policy=obj, actor=self.request.user, **form.cleaned_data)


# ------------------------------------------------------- milestones (里程碑)
class MilestoneListView(generic.ObjectListView):
    selector = selectors.milestone_list
    table_class = MilestoneTable
    exchange_key = "milestones"


class MilestoneDetailView(generic.ObjectDetailView):
    model = Milestone
    template_name = "projects/milestone_detail.html"
    select_related = (
        "park",
        "project",
        "responsible_unit",
        "responsible_officer",
        "document",
        "actual_by",
        "verified_by",
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, milestone = self.request.user, self.object
        context["can_change"] = context["can_change"] and not services.milestone_refusal(
            user, milestone.project
        )
        context["may_verify"] = services.may_verify(user, milestone)
        return context


class MilestoneEditView(generic.ObjectEditView):
    model = Milestone
    form_class = MilestoneForm

    def get_initial(self):
        project = self.request.GET.get("project", "")
        return {"project": int(project)} if self.object is None and project.isdigit() else {}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and "pk" in kwargs:
            milestone = generic.get_scoped_or_404(Milestone, request.user, kwargs["pk"])
            refusal = services.milestone_refusal(request.user, milestone.project)
            if refusal and permissions.can(
                request.user, Milestone, permissions.CHANGE, milestone.park_id
            ):
                permissions.deny(refusal)
        return super().dispatch(request, *args, **kwargs)

    def create(self, form, park):
        data = dict(form.cleaned_data)
        return services.milestone_create(
            project=data.pop("project"), actor=self.request.user, **data
        )

    def update(self, obj, form):
        return services.milestone_update(
            milestone=obj, actor=self.request.user, **form.cleaned_data
        )


class MilestoneActualView(_ProjectActionView):
    """Record the day a milestone was reached, and its evidence."""

    form_class = MilestoneActualForm

    @property
    def title(self):
        return _("Record the actual date of “%(name)s”") % {"name": self.target}

    def get_target(self):
        return generic.get_scoped_or_404(Milestone, self.request.user, self.kwargs["pk"])

    def refuse(self):
        if not permissions.can(
            self.request.user, Milestone, permissions.CHANGE, self.project.park_id
        ):
            permissions.deny()
        refusal = services.milestone_refusal(self.request.user, self.project)
        if refusal:
            permissions.deny(refusal)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["documents"] = selectors.project_documents(
            user=self.request.user, project=self.project
        )
        return kwargs

    def act(self, data):
        services.milestone_set_actual(
            milestone=self.target,
            actual_on=data["actual_on"],
            document=data.get("document"),
            actor=self.request.user,
        )
        messages.success(self.request, _("Recorded; another person verifies it."))


@require_POST
def milestone_verify(request, pk):
    """Verify a milestone (a second person: never who recorded its actual date)."""
    if not request.user.is_authenticated:
        permissions.deny()
    milestone = generic.get_scoped_or_404(Milestone, request.user, pk)
    services.milestone_verify(milestone=milestone, actor=request.user)
    messages.success(request, _("“%(name)s” verified.") % {"name": milestone})
    return redirect(milestone.project.get_absolute_url())


class ProjectApplyTemplateView(_ProjectActionView):
    """Plan a project's milestones from one of the park's templates."""

    form_class = ApplyTemplateForm

    @property
    def title(self):
        return _("Plan milestones from a template")

    def refuse(self):
        if not permissions.can(self.request.user, Milestone, permissions.ADD, self.project.park_id):
            permissions.deny()
        refusal = services.milestone_refusal(self.request.user, self.project)
        if refusal:
            permissions.deny(refusal)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["templates"] = list(
            selectors.milestone_template_list(user=self.request.user, park_id=self.project.park_id)
        )
        kwargs["base_on"] = selectors.stage_dates(self.project).get(Stage.SIGNED)
        return kwargs

    def act(self, data):
        created = services.milestone_template_apply(
            template=data["template"],
            project=self.project,
            base_on=data["base_on"],
            actor=self.request.user,
        )
        messages.success(self.request, _("%(count)s milestones planned.") % {"count": len(created)})


class MilestoneTemplateListView(generic.ObjectListView):
    selector = selectors.milestone_template_list
    table_class = MilestoneTemplateTable


class MilestoneTemplateDetailView(generic.ObjectDetailView):
    model = MilestoneTemplate
    template_name = "projects/milestonetemplate_detail.html"
    select_related = ("park",)

    def get_context_data(self, **kwargs):
        from parkops.projects.models import MilestoneKind

        context = super().get_context_data(**kwargs)
        context["items"] = [
            {**item, "label": MilestoneKind(item["kind"]).label} for item in self.object.items
        ]
        return context


class MilestoneTemplateEditView(generic.ObjectEditView):
    model = MilestoneTemplate
    form_class = MilestoneTemplateForm

    def _data(self, form):
        data = dict(form.cleaned_data)
        data["items"] = data.pop("lines")
        return data

    def create(self, form, park):
        return services.milestone_template_create(
            park=park, actor=self.request.user, **self._data(form)
        )

    def update(self, obj, form):
        return services.milestone_template_update(
            template=obj, actor=self.request.user, **self._data(form)
        )


# ------------------------------------------------------ traffic-light rules
class TrafficRuleListView(generic.ObjectListView):
    selector = selectors.traffic_rule_list
    table_class = TrafficRuleTable
    template_name = "projects/trafficrule_list.html"

    def get_context_data(self, **kwargs):
        from parkops.projects import lights

        context = super().get_context_data(**kwargs)
        context["defaults"] = lights.default_rules()
        return context


class TrafficRuleDetailView(generic.ObjectDetailView):
    model = TrafficRule
    template_name = "projects/trafficrule_detail.html"
    select_related = ("park",)


class TrafficRuleEditView(generic.ObjectEditView):
    model = TrafficRule
    form_class = TrafficRuleForm

    def create(self, form, park):
        return services.traffic_rule_create(park=park, actor=self.request.user, **form.cleaned_data)

    def update(self, obj, form):
        return services.traffic_rule_update(rule=obj, actor=self.request.user, **form.cleaned_data)


# ------------------------------------------------------------------ delivery
class ProjectEnteredStatisticsView(_ProjectActionView):
    """Record the day the project entered the statistics (列统入规)."""

    form_class = EnteredStatisticsForm

    @property
    def title(self):
        return _("Record entry into statistics")

    def act(self, data):
        services.project_entered_statistics(
            project=self.project,
            on_date=data["on_date"],
            note=data.get("note") or "",
            actor=self.request.user,
        )
        messages.success(self.request, _("Recorded; a wrong date is corrected in the history."))


class _DeliveryDetailView(generic.ObjectDetailView):
    template_name = "projects/delivery_detail.html"
    select_related = ("park", "project")
    shown: tuple[str, ...] = ()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = []
        for name in self.shown:
            field = self.model._meta.get_field(name)
            value = getattr(self.object, name)
            if name == "amount":
                value = f"{wan_yuan(value)} {_('10,000 yuan')}"
            elif name == "month":
                value = value.strftime("%Y-%m")
            elif field.choices:
                value = getattr(self.object, f"get_{name}_display")()
            rows.append((field.verbose_name, value))
        context["rows"] = rows
        return context


class _DeliveryEditView(generic.ObjectEditView):
    """A new record starts from ``?project=`` (the project page's link)."""

    def get_initial(self):
        initial = super().get_initial()
        if self.object is None and self.request.GET.get("project", "").isdigit():
            initial["project"] = int(self.request.GET["project"])
        return initial

    def get_success_url(self):
        return self.object.get_absolute_url()


class InvestmentEntryListView(generic.ObjectListView):
    selector = selectors.investment_entry_list
    table_class = InvestmentEntryTable
    exchange_key = "investment-entries"


class InvestmentEntryDetailView(_DeliveryDetailView):
    model = InvestmentEntry
    shown = ("project", "month", "amount", "note")


class InvestmentEntryEditView(_DeliveryEditView):
    model = InvestmentEntry
    form_class = InvestmentEntryForm

    def create(self, form, park):
        return services.investment_entry_create(actor=self.request.user, **form.cleaned_data)

    def update(self, obj, form):
        data = {n: v for n, v in form.cleaned_data.items() if n != "project"}
        return services.investment_entry_update(entry=obj, actor=self.request.user, **data)


class AnnualPlanListView(generic.ObjectListView):
    selector = selectors.annual_plan_list
    table_class = AnnualPlanTable
    exchange_key = "annual-plans"


class AnnualPlanDetailView(_DeliveryDetailView):
    model = AnnualPlan
    shown = ("project", "year", "amount")


class AnnualPlanEditView(_DeliveryEditView):
    model = AnnualPlan
    form_class = AnnualPlanForm

    def create(self, form, park):
        return services.annual_plan_create(actor=self.request.user, **form.cleaned_data)

    def update(self, obj, form):
        data = {n: v for n, v in form.cleaned_data.items() if n != "project"}
        return services.annual_plan_update(plan=obj, actor=self.request.user, **data)


class MajorListingListView(generic.ObjectListView):
    selector = selectors.major_listing_list
    table_class = MajorListingTable


class MajorListingDetailView(_DeliveryDetailView):
    model = MajorListing
    shown = ("project", "year", "level")


class MajorListingEditView(_DeliveryEditView):
    model = MajorListing
    form_class = MajorListingForm

    def create(self, form, park):
        return services.major_listing_create(actor=self.request.user, **form.cleaned_data)

    def update(self, obj, form):
        data = {n: v for n, v in form.cleaned_data.items() if n != "project"}
        return services.major_listing_update(listing=obj, actor=self.request.user, **data)


# ------------------------------------------------------ the park's annual plan
class ParkInvestmentPlanListView(generic.ObjectListView):
    selector = selectors.park_investment_plan_list
    table_class = ParkInvestmentPlanTable
    exchange_key = "park-investment-plans"


class ParkInvestmentPlanDetailView(generic.ObjectDetailView):
    model = ParkInvestmentPlan
    template_name = "projects/parkinvestmentplan_detail.html"
    select_related = ("park",)


class ParkInvestmentPlanEditView(generic.ObjectEditView):
    model = ParkInvestmentPlan
    form_class = ParkInvestmentPlanForm

    def create(self, form, park):
        return services.park_investment_plan_create(
            park=park, actor=self.request.user, **form.cleaned_data
        )

    def update(self, obj, form):
        return services.park_investment_plan_update(
            plan=obj, actor=self.request.user, **form.cleaned_data
        )
