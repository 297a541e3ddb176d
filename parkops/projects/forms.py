from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from parkops.accounts.selectors import users_with_role
from parkops.core.forms import LenientDateField, ScopedModelForm, style_widgets
from parkops.core.permissions import Role
from parkops.core.text import today_cst
from parkops.projects.models import Project, Stage

_MONEY = {"inputmode": "decimal"}


class ProjectForm(ScopedModelForm):
    """A new lead, or a project's plain fields. The first contact is set on a new
    lead only; afterwards a park leader changes it on its own page."""

    on_date = LenientDateField(
        label=_lazy("lead date"),
        required=False,
        help_text=_lazy("When the lead came in; today if left empty."),
    )

    class Meta:
        model = Project
        fields = [
            "ref",
            "name",
            "investor",
            "industry",
            "planned_investment",
            "planned_investment_usd",
            "usd_rate",
            "source",
            "source_visit",
            "source_event",
            "origin_region",
            "first_contact_unit",
            "first_contact_officer",
            "owner_unit",
            "owner_officer",
            "terms",
            "notes",
        ]
        widgets = {
            "planned_investment": forms.TextInput(attrs=_MONEY),
            "planned_investment_usd": forms.TextInput(attrs=_MONEY),
            "usd_rate": forms.TextInput(attrs=_MONEY),
            "terms": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        officers = users_with_role(role=Role.PROMOTION_OFFICER, park=self.park).order_by(
            "name_pinyin", "username"
        )
        for name in ("first_contact_officer", "owner_officer"):
            self.fields[name].queryset = officers
            self.fields[name].error_messages["invalid_choice"] = _(
                "Choose a promotion officer of this park."
            )
        self.fields["investor"].queryset = self.fields["investor"].queryset.order_by(
            "name_pinyin", "name"
        )
        self.fields["source_visit"].queryset = self.fields["source_visit"].queryset.select_related(
            "enterprise", "institution"
        )
        self.fields["owner_unit"].help_text = _("The first contact unit if left empty.")
        if self.instance.pk:
            # 项目首招负责制: not changeable here (services.project_update refuses it too).
            for name in ("first_contact_unit", "first_contact_officer", "on_date"):
                del self.fields[name]
        elif not self.is_bound:
            self.initial.setdefault("on_date", today_cst())
            from parkops.promotion.selectors import own_unit_id

            own = own_unit_id(user=self.user, park=self.park)
            if own is not None:
                self.initial.setdefault("first_contact_unit", own)
                self.initial.setdefault("first_contact_officer", self.user.pk)


class AdvanceForm(forms.Form):
    to_stage = forms.ChoiceField(label=_lazy("to stage"), choices=Stage.choices)
    on_date = LenientDateField(label=_lazy("effective date"))
    signing_amount = forms.DecimalField(
        label=_lazy("signed amount (yuan)"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        help_text=_lazy("For a signing: the amount of the agreement."),
        widget=forms.TextInput(attrs=_MONEY),
    )
    note = forms.CharField(label=_lazy("note"), required=False, max_length=2000)
    reason = forms.CharField(
        label=_lazy("reason"),
        required=False,
        max_length=2000,
        help_text=_lazy("Needed to drop a project or put it on hold."),
    )
    signing_event = forms.ModelChoiceField(
        label=_lazy("signing event"),
        queryset=None,
        required=False,
        help_text=_lazy("For a signing at a promotion event (e.g. an investment fair)."),
    )

    def __init__(self, *args, stages=(), user=None, park=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [(s, Stage(s).label) for s in stages]
        from parkops.core import permissions
        from parkops.promotion.models import PromotionEvent

        events = PromotionEvent.objects.none()
        if Stage.SIGNED in stages and user is not None and park is not None:
            events = (
                PromotionEvent.objects.restrict(user, permissions.VIEW)
                .filter(park=getattr(park, "pk", park))
                .order_by("-pk")
            )
        self.fields["signing_event"].queryset = events
        if Stage.SIGNED not in stages:  # asked for with the signing only
            del self.fields["signing_event"]
            del self.fields["signing_amount"]
        self.initial.setdefault("on_date", today_cst())
        style_widgets(self.fields)


class CorrectionForm(forms.Form):
    on_date = LenientDateField(label=_lazy("correct date"))
    reason = forms.CharField(label=_lazy("reason"), max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self.fields)


class FirstContactForm(forms.Form):
    unit = forms.ModelChoiceField(label=_lazy("first contact unit"), queryset=None)
    officer = forms.ModelChoiceField(
        label=_lazy("first contact officer"), queryset=None, required=False
    )
    reason = forms.CharField(
        label=_lazy("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, project, **kwargs):
        from parkops.core import permissions
        from parkops.promotion.models import PromotionUnit

        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            PromotionUnit.objects.restrict(user, permissions.VIEW)
            .filter(park=project.park_id)
            .order_by("code")
        )
        self.fields["officer"].queryset = users_with_role(
            role=Role.PROMOTION_OFFICER, park=project.park_id
        ).order_by("name_pinyin", "username")
        self.initial.setdefault("unit", project.first_contact_unit_id)
        self.initial.setdefault("officer", project.first_contact_officer_id)
        style_widgets(self.fields)


class NoteForm(forms.Form):
    """A lead-handling step: an assessment, the feedback given, a progress note."""

    kind = forms.ChoiceField(label=_lazy("step"))
    on_date = LenientDateField(label=_lazy("done on"))
    note = forms.CharField(
        label=_lazy("note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, kinds, events=None, **kwargs):
        """``kinds``: the kinds offered (``services.note_kinds``: after signing,
        progress notes only)."""
        from parkops.projects.models import ProjectEvent

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (kind, label) for kind, label in ProjectEvent.Kind.choices if kind in kinds
        ]
        # The next step by default: the assessment, then the feedback, then progress.
        done = {event.kind for event in events or ()}
        steps = (ProjectEvent.Kind.ASSESSMENT, ProjectEvent.Kind.FEEDBACK)
        following = next(
            (kind for kind in steps if kind in kinds and kind not in done),
            ProjectEvent.Kind.PROGRESS,
        )
        self.initial.setdefault("kind", following)
        self.initial.setdefault("on_date", today_cst())
        style_widgets(self.fields)


class LeadPolicyForm(ScopedModelForm):
    class Meta:
        from parkops.projects.models import LeadPolicy

        model = LeadPolicy
        fields = [
            "assign_days",
            "assess_days",
            "assess_major_days",
            "feedback_days",
            "progress_days",
            "major_threshold",
        ]
        widgets = {"major_threshold": forms.TextInput(attrs=_MONEY)}


class DocumentForm(forms.Form):
    """A document to attach to a project."""

    kind = forms.ChoiceField(label=_lazy("kind"))
    file = forms.FileField(
        label=_lazy("file"),
        help_text=_lazy("PDF, Word (.docx), Excel (.xlsx), JPG or PNG."),
    )

    def __init__(self, *args, **kwargs):
        from parkops.projects.models import ProjectDocument

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ProjectDocument.Kind.choices
        self.fields["file"].widget.attrs["accept"] = ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"
        style_widgets(self.fields)


class ProjectVisitForm(forms.Form):
    """A later visit to the project's investor, to link to the project."""

    visit = forms.ModelChoiceField(label=_lazy("visit"), queryset=None)

    def __init__(self, *args, user, project, **kwargs):
        from parkops.projects.selectors import linkable_visits

        super().__init__(*args, **kwargs)
        self.fields["visit"].queryset = linkable_visits(user=user, project=project)
        self.fields["visit"].error_messages["invalid_choice"] = _(
            "Choose one of this park's visits to the project's investor."
        )
        style_widgets(self.fields)


# ------------------------------------------------------- milestones (里程碑)
class MilestoneForm(ScopedModelForm):
    """A milestone's plan: the project (when adding), kind, name, planned date,
    who is responsible, the evidence (a document of the project)."""

    class Meta:
        from parkops.projects.models import Milestone

        model = Milestone
        fields = [
            "project",
            "kind",
            "name",
            "planned_on",
            "responsible_unit",
            "responsible_officer",
            "document",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        from parkops.accounts.models import User
        from parkops.projects.lights import BOARD_STAGES

        super().__init__(*args, **kwargs)
        self.fields["planned_on"] = LenientDateField(label=_lazy("planned date"))
        self.fields["project"].queryset = self.fields["project"].queryset.filter(
            stage__in=BOARD_STAGES
        )
        if self.instance.pk:
            del self.fields["project"]
            self.fields["document"].queryset = self.fields["document"].queryset.filter(
                project=self.instance.project_id
            )
        self.fields["responsible_officer"].queryset = (
            User.objects.filter(is_active=True, memberships__park=self.park)
            .distinct()
            .order_by("name_pinyin", "username")
        )
        style_widgets(self.fields)


class MilestoneActualForm(forms.Form):
    actual_on = LenientDateField(label=_lazy("actual date"))
    document = forms.ModelChoiceField(
        queryset=None, required=False, label=_lazy("evidence"), empty_label="—"
    )

    def __init__(self, *args, documents=(), **kwargs):
        from parkops.projects.models import ProjectDocument

        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = ProjectDocument.objects.unscoped().filter(
            pk__in=[d.pk for d in documents]
        )
        self.initial.setdefault("actual_on", today_cst())
        style_widgets(self.fields)


class MilestoneTemplateForm(ScopedModelForm):
    """A template; its milestones typed one a line: the kind (its code or its
    name) and the offset in days from the base date, then optionally a name,
    e.g. “开工 180 主体工程开工”."""

    lines = forms.CharField(
        label=_lazy("milestones"),
        widget=forms.Textarea(attrs={"rows": 9}),
        help_text=_lazy(
            "One a line: the kind, the offset in days from the base date, optionally a name."
        ),
    )

    class Meta:
        from parkops.projects.models import MilestoneTemplate

        model = MilestoneTemplate
        fields = ["name", "project_type", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["lines"] = template_lines(self.instance.items)
        style_widgets(self.fields)

    def clean_lines(self):
        return parse_template_lines(self.cleaned_data["lines"])


def template_lines(items) -> str:
    from parkops.projects.models import MilestoneKind

    lines = []
    for item in items:
        label = str(MilestoneKind(item["kind"]).label)
        name = item.get("name") or ""
        lines.append(f"{label} {item['offset_days']} {name}".rstrip())
    return "\n".join(lines)


# The words sheets and people use for each kind, whatever the page's language.
CHINESE_KINDS = {
    "供地": "land_supplied",
    "土地供应": "land_supplied",
    "规划许可": "planning_permit",
    "规划许可证": "planning_permit",
    "施工许可": "construction_permit",
    "施工许可证": "construction_permit",
    "开工": "started",
    "封顶": "topped_out",
    "主体封顶": "topped_out",
    "设备进场": "equipment_in",
    "试生产": "trial_production",
    "投产": "production",
    "列统入规": "entered_statistics",
    "入规": "entered_statistics",
    "其他": "other",
}


def parse_template_lines(text: str) -> list[dict]:
    """The items of ``text``, one a line (see ``MilestoneTemplateForm``)."""
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from parkops.projects.models import MilestoneKind

    kinds = dict(CHINESE_KINDS)
    labels = [(value, str(label)) for value, label in MilestoneKind.choices]
    with translation.override("en"):
        labels += [(value, str(label)) for value, label in MilestoneKind.choices]
    for value, label in labels:
        kinds[value] = value
        kinds[label.lower()] = value
        kinds[label.replace(" ", "").lower()] = value
    items, errors = [], []
    for number, line in enumerate((text or "").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        words = line.split()
        offset_at = next((i for i, w in enumerate(words) if w.lstrip("+").isdigit()), None)
        if offset_at is None or offset_at == 0:
            errors.append(
                _("Line %(number)s: give the kind, then the offset in days.") % {"number": number}
            )
            continue
        kind = kinds.get(" ".join(words[:offset_at]).lower()) or kinds.get(
            "".join(words[:offset_at]).lower()
        )
        if kind is None:
            errors.append(
                _("Line %(number)s: “%(kind)s” is not a milestone kind.")
                % {"number": number, "kind": " ".join(words[:offset_at])}
            )
            continue
        items.append(
            {
                "kind": kind,
                "offset_days": int(words[offset_at]),
                "name": " ".join(words[offset_at + 1 :]),
            }
        )
    if errors:
        raise ValidationError(errors)
    if not items:
        raise ValidationError(_("List at least one milestone."))
    return items


class ApplyTemplateForm(forms.Form):
    template = forms.ModelChoiceField(queryset=None, label=_lazy("milestone template"))
    base_on = LenientDateField(
        label=_lazy("base date"), help_text=_lazy("The offsets count from this day (the signing).")
    )

    def __init__(self, *args, templates=(), base_on=None, **kwargs):
        from parkops.projects.models import MilestoneTemplate

        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = MilestoneTemplate.objects.unscoped().filter(
            pk__in=[t.pk for t in templates]
        )
        if base_on is not None:
            self.initial.setdefault("base_on", base_on)
        style_widgets(self.fields)


class TrafficRuleForm(ScopedModelForm):
    class Meta:
        from parkops.projects.models import TrafficRule

        model = TrafficRule
        fields = ["kind", "threshold", "colour", "enabled"]


# ------------------------------------------------------------------ delivery
class EnteredStatisticsForm(forms.Form):
    """The day the project (its enterprise) entered the statistics (列统入规)."""

    on_date = LenientDateField(label=_lazy("entered statistics on"))
    note = forms.CharField(label=_lazy("note"), max_length=4000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self.fields)


class _ProjectChoiceForm(ScopedModelForm):
    """Forms of a project's investment: the project among the park's signed ones."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        projects = self.fields["project"].queryset
        self.fields["project"].queryset = projects.exclude(
            stage__in=(Stage.LEAD, Stage.NEGOTIATING)
        ).order_by("name_pinyin", "pk")


class InvestmentEntryForm(_ProjectChoiceForm):
    # Not the model's date: a month is typed as 2023-06 (the service keeps its first day).
    month = forms.CharField(
        label=_lazy("month"), max_length=10, help_text=_lazy("For example 2023-06.")
    )

    class Meta:
        from parkops.projects.models import InvestmentEntry

        model = InvestmentEntry
        fields = ["project", "amount", "note"]
        widgets = {"amount": forms.TextInput(attrs=_MONEY)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["project", "month", "amount", "note"])
        if self.instance.pk:
            self.initial["month"] = self.instance.month.strftime("%Y-%m")
        style_widgets(self.fields)


class AnnualPlanForm(_ProjectChoiceForm):
    class Meta:
        from parkops.projects.models import AnnualPlan

        model = AnnualPlan
        fields = ["project", "year", "amount"]
        widgets = {"amount": forms.TextInput(attrs=_MONEY)}


class MajorListingForm(_ProjectChoiceForm):
    class Meta:
        from parkops.projects.models import MajorListing

        model = MajorListing
        fields = ["project", "year", "level"]


class ParkInvestmentPlanForm(ScopedModelForm):
    class Meta:
        from parkops.projects.models import ParkInvestmentPlan

        model = ParkInvestmentPlan
        fields = ["year", "amount", "note"]
        widgets = {"amount": forms.TextInput(attrs=_MONEY)}
