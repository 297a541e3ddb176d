from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from parkops.core import generic, permissions
from parkops.projects import selectors, services
from parkops.projects.forms import AdvanceForm, CorrectionForm, FirstContactForm, ProjectForm
from parkops.projects.models import Project, ProjectEvent
from parkops.projects.tables import ProjectTable


class ProjectListView(generic.ObjectListView):
    selector = selectors.project_list
    table_class = ProjectTable
    exchange_key = "projects"


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
        "source_event",
        "first_contact_unit",
        "first_contact_officer",
        "owner_unit",
        "owner_officer",
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, project = self.request.user, self.object
        events = list(selectors.project_events(user=user, project=project))
        context["events"] = events
        context["stage_dates"] = selectors.stage_dates(project, user=user)
        context["show_terms"] = selectors.can_read_terms(user, project)
        may_change = services.may_change(user, project)
        context["can_change"] = may_change
        context["next_stages"] = services.allowed_next_stages(project) if may_change else []
        context["advance_form"] = AdvanceForm(stages=context["next_stages"])
        context["write_refusal"] = (
            services.write_refusal(user, project)
            if permissions.can(user, Project, permissions.CHANGE, project.park_id)
            else None
        )
        context["can_change_first_contact"] = services.may_change_first_contact(user, project)
        return context


class ProjectEditView(generic.ObjectEditView):
    model = Project
    form_class = ProjectForm

    def dispatch(self, request, *args, **kwargs):
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
