import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from parkops.accounts.models import User
from parkops.core.api_base import Schema, get_scoped, resolve_related, user_of
from parkops.core.api_routes import add_read_routes, add_write_routes
from parkops.core.models import Industry
from parkops.enterprises.models import Enterprise
from parkops.projects import documents, selectors, services
from parkops.projects.models import (
    MajorListing,
    Milestone,
    MilestoneKind,
    Project,
    ProjectDocument,
    ProjectEvent,
    Stage,
    TrafficRule,
)
from parkops.promotion.models import PromotionEvent, PromotionUnit, Visit

router = Router(tags=["projects"])


class ProjectOut(Schema):
    id: int
    park_id: int
    ref: str
    name: str
    investor_id: int
    industry_id: int | None
    planned_investment: Decimal | None
    planned_investment_usd: Decimal | None
    usd_rate: Decimal | None
    source: str
    source_visit_id: int | None
    source_event_id: int | None
    origin_region: str
    first_contact_unit_id: int
    first_contact_officer_id: int | None
    owner_unit_id: int | None
    owner_officer_id: int | None
    stage: str
    stage_on: datetime.date
    signed_amount: Decimal | None
    notes: str


class ProjectEventOut(Schema):
    id: int
    kind: str
    from_stage: str
    to_stage: str
    on_date: datetime.date
    recorded_by_id: int | None
    recorded_at: datetime.datetime
    note: str
    reason: str
    corrects_id: int | None
    details: dict


class ProjectDocumentOut(Schema):
    id: int
    project_id: int
    kind: str
    original_name: str
    size: int
    sha256: str
    content_type: str
    uploaded_by_id: int | None
    uploaded_at: datetime.datetime


class ProjectVisitOut(Schema):
    id: int
    project_id: int
    visit_id: int
    visit_date: datetime.date
    visit_purpose: str
    linked_by_id: int | None
    linked_at: datetime.datetime

    @staticmethod
    def resolve_visit_date(obj) -> datetime.date:
        return obj.visit.date

    @staticmethod
    def resolve_visit_purpose(obj) -> str:
        return obj.visit.purpose


class ProjectVisitIn(Schema):
    visit_id: int


class LeadDeadlineOut(Schema):
    step: str
    due: datetime.date
    counted_from: datetime.date
    working_days: int
    overdue: bool
    overdue_days: int
    major: bool
    provisional: bool


class ProjectDetailOut(ProjectOut):
    # Confidential (ROLES.md): null for a user ``selectors.can_read_terms`` refuses.
    terms: str | None
    stage_dates: dict[str, datetime.date]
    events: list[ProjectEventOut]
    signing_event_id: int | None = None
    # Lead handling (线索处理时限): the next step of an open lead, else null.
    next_deadline: LeadDeadlineOut | None = None
    # Empty for a user who may not read the terms (an agreement holds them).
    documents: list[ProjectDocumentOut] = []
    # Later visits linked to the project (关联拜访); empty for a role that does
    # not read visits.
    visits: list[ProjectVisitOut] = []

    # Delivery: the day it entered the statistics (列统入规), corrections applied,
    # and its major-project listing this year (provincial/municipal), else null.
    entered_statistics_on: datetime.date | None = None
    major_level: str | None = None

    @staticmethod
    def resolve_entered_statistics_on(obj, context):
        return selectors.entered_statistics_on(obj)

    @staticmethod
    def resolve_major_level(obj, context):
        return selectors.major_level(obj, user=user_of(context["request"]))

    @staticmethod
    def resolve_next_deadline(obj, context):
        found = selectors.project_deadline(obj, user=user_of(context["request"]))
        if found is None:
            return None
        return {
            "step": str(found.step),
            "due": found.due,
            "counted_from": found.counted_from,
            "working_days": found.working_days,
            "overdue": found.overdue,
            "overdue_days": found.overdue_days,
            "major": found.major,
            "provisional": found.provisional,
        }

    @staticmethod
    def resolve_visits(obj, context) -> list:
        return selectors.project_visits(user=user_of(context["request"]), project=obj)

    @staticmethod
    def resolve_documents(obj, context) -> list:
        return selectors.project_documents(user=user_of(context["request"]), project=obj)

    @staticmethod
    def resolve_terms(obj, context) -> str | None:
        user = user_of(context["request"])
        return obj.terms if selectors.can_read_terms(user, obj) else None

    @staticmethod
    def resolve_stage_dates(obj, context) -> dict:
        return selectors.stage_dates(obj, user=user_of(context["request"]))

    @staticmethod
    def resolve_events(obj, context) -> list:
        return list(selectors.project_events(user=user_of(context["request"]), project=obj))


class ProjectIn(Schema):
    ref: str = ""
    name: str
    investor_id: int
    industry_id: int | None = None
    planned_investment: Decimal | None = None
    planned_investment_usd: Decimal | None = None
    usd_rate: Decimal | None = None
    source: Project.Source = Project.Source.OTHER
    source_visit_id: int | None = None
    source_event_id: int | None = None
    origin_region: str = ""
    first_contact_unit_id: int
    first_contact_officer_id: int | None = None
    owner_unit_id: int | None = None
    owner_officer_id: int | None = None
    terms: str = ""
    notes: str = ""
    on_date: datetime.date | None = None


class ProjectPatch(Schema):
    ref: str | None = None
    name: str | None = None
    investor_id: int | None = None
    industry_id: int | None = None
    planned_investment: Decimal | None = None
    planned_investment_usd: Decimal | None = None
    usd_rate: Decimal | None = None
    source: Project.Source | None = None
    source_visit_id: int | None = None
    source_event_id: int | None = None
    origin_region: str | None = None
    # Refused by the service when they change (项目首招负责制): named here so
    # that a client trying gets the reason, not a silent drop.
    first_contact_unit_id: int | None = None
    first_contact_officer_id: int | None = None
    owner_unit_id: int | None = None
    owner_officer_id: int | None = None
    terms: str | None = None
    notes: str | None = None


class StageIn(Schema):
    to_stage: Stage
    on_date: datetime.date
    note: str = ""
    reason: str = ""
    signing_amount: Decimal | None = None
    signing_event_id: int | None = None


class CorrectionIn(Schema):
    on_date: datetime.date
    reason: str


class FirstContactIn(Schema):
    unit_id: int
    officer_id: int | None = None
    reason: str


def _user(pk, field: str):
    # Any account may be named; the service decides who may be named, with the
    # same message as on the page.
    if pk is None:
        return None
    found = User.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [_("No such record in this park.")]})
    return found


def _project_fields(request, data: dict, park) -> dict:
    fields = dict(data)
    for name, model in (
        ("investor", Enterprise),
        ("industry", Industry),
        ("source_visit", Visit),
        ("source_event", PromotionEvent),
        ("first_contact_unit", PromotionUnit),
        ("owner_unit", PromotionUnit),
    ):
        if f"{name}_id" in fields:
            fields[name] = resolve_related(
                request, model, fields.pop(f"{name}_id"), park=park, field=f"{name}_id"
            )
    for name in ("first_contact_officer", "owner_officer"):
        if f"{name}_id" in fields:
            fields[name] = _user(fields.pop(f"{name}_id"), f"{name}_id")
    return fields


add_read_routes(
    router,
    path="/projects",
    selector=selectors.project_list,
    schema=ProjectOut,
    detail_schema=ProjectDetailOut,
)


add_write_routes(
    router,
    path="/projects",
    selector=selectors.project_list,
    schema_in=ProjectIn,
    schema_patch=ProjectPatch,
    schema_out=ProjectDetailOut,
    create=services.project_create,
    update=lambda obj, *, actor, **fields: services.project_update(
        project=obj, actor=actor, **fields
    ),
    resolve=_project_fields,
)


@router.post(
    "/projects/{pk}/stage",
    response=ProjectDetailOut,
    operation_id="project_advance",
    url_name="project_advance",
)
def project_advance(request, pk: int, payload: StageIn):
    project = get_scoped(Project, request, pk)
    data = payload.dict()
    event_id = data.pop("signing_event_id", None)
    if event_id is not None:
        data["signing_event"] = resolve_related(
            request, PromotionEvent, event_id, park=project.park, field="signing_event_id"
        )
    return services.project_advance(project=project, actor=request.auth, **data)


@router.post(
    "/projects/{pk}/first-contact",
    response=ProjectDetailOut,
    operation_id="project_first_contact",
    url_name="project_first_contact",
)
def project_first_contact(request, pk: int, payload: FirstContactIn):
    project = get_scoped(Project, request, pk)
    unit = resolve_related(
        request, PromotionUnit, payload.unit_id, park=project.park, field="unit_id"
    )
    return services.project_first_contact_change(
        project=project,
        unit=unit,
        officer=_user(payload.officer_id, "officer_id"),
        reason=payload.reason,
        actor=request.auth,
    )


@router.post(
    "/project-events/{pk}/correction",
    response={201: ProjectEventOut},
    operation_id="projectevent_correct",
    url_name="projectevent_correct",
)
def projectevent_correct(request, pk: int, payload: CorrectionIn):
    event = get_scoped(ProjectEvent, request, pk)
    correction = services.project_event_correct(
        event=event, on_date=payload.on_date, reason=payload.reason, actor=request.auth
    )
    return Status(201, correction)


# ------------------------------------------------------- visits linked (关联拜访)
@router.post(
    "/projects/{pk}/visits",
    response={201: ProjectVisitOut},
    operation_id="projectvisit_add",
    url_name="projectvisit_add",
)
def projectvisit_add(request, pk: int, payload: ProjectVisitIn):
    """Link a later visit of the project's park to the project."""
    project = get_scoped(Project, request, pk)
    visit = resolve_related(request, Visit, payload.visit_id, park=project.park, field="visit_id")
    link = services.project_visit_link(project=project, visit=visit, actor=request.auth)
    return Status(201, link)


# ------------------------------------------------------------------ documents
@router.post(
    "/projects/{pk}/documents",
    response={201: ProjectDocumentOut},
    operation_id="projectdocument_add",
    url_name="projectdocument_add",
)
def projectdocument_add(
    request,
    pk: int,
    file: UploadedFile | None = File(None),
    kind: ProjectDocument.Kind = Form(ProjectDocument.Kind.AGREEMENT),
):
    """Attach a document (multipart ``file``, ``kind``): PDF, Word (.docx), Excel
    (.xlsx), JPG or PNG by its content, at most ``PARKOPS_DOCUMENT_MAX_BYTES``."""
    project = get_scoped(Project, request, pk)
    stopped = documents.too_big(request)
    if stopped:  # the upload handler stopped reading it
        raise ValidationError({"file": services.document_too_big_message(**stopped)})
    document = services.document_add(project=project, upload=file, kind=kind, actor=request.auth)
    return Status(201, document)


@router.get(
    "/project-documents/{pk}/file",
    operation_id="projectdocument_download",
    url_name="projectdocument_download",
)
def projectdocument_download(request, pk: int):
    """The document's file, within the caller's scope; the download is audited."""
    document = get_scoped(ProjectDocument, request, pk)
    handle = services.document_download(document=document, actor=request.auth)
    return documents.file_response(document, handle)


# ------------------------------------------------------- lead handling policy
class LeadPolicyOut(Schema):
    id: int
    park_id: int
    park_name: str

    @staticmethod
    def resolve_park_name(obj) -> str:
        return obj.park.name

    assign_days: int
    assess_days: int
    assess_major_days: int
    feedback_days: int
    progress_days: int
    major_threshold: Decimal


add_read_routes(
    router,
    path="/lead-policies",
    selector=selectors.lead_policy_list,
    schema=LeadPolicyOut,
)


# ------------------------------------------------------- milestones (里程碑)
class MilestoneOut(Schema):
    id: int
    park_id: int
    project_id: int
    kind: str
    name: str
    position: int
    planned_on: datetime.date
    actual_on: datetime.date | None
    actual_by_id: int | None
    responsible_unit_id: int | None
    responsible_officer_id: int | None
    document_id: int | None
    verified_by_id: int | None
    verified_at: datetime.datetime | None
    notes: str


class MilestoneIn(Schema):
    project_id: int
    kind: MilestoneKind
    name: str = ""
    planned_on: datetime.date
    responsible_unit_id: int | None = None
    responsible_officer_id: int | None = None
    document_id: int | None = None
    notes: str = ""


class MilestonePatch(Schema):
    kind: MilestoneKind | None = None
    name: str | None = None
    planned_on: datetime.date | None = None
    responsible_unit_id: int | None = None
    responsible_officer_id: int | None = None
    document_id: int | None = None
    notes: str | None = None


class ActualIn(Schema):
    actual_on: datetime.date
    document_id: int | None = None


def _milestone_fields(request, data: dict, park) -> dict:
    fields = dict(data)
    for name, model in (
        ("project", Project),
        ("responsible_unit", PromotionUnit),
        ("document", ProjectDocument),
    ):
        if f"{name}_id" in fields:
            fields[name] = resolve_related(
                request, model, fields.pop(f"{name}_id"), park=park, field=f"{name}_id"
            )
    if "responsible_officer_id" in fields:
        fields["responsible_officer"] = _user(
            fields.pop("responsible_officer_id"), "responsible_officer_id"
        )
    return fields


add_read_routes(router, path="/milestones", selector=selectors.milestone_list, schema=MilestoneOut)


add_write_routes(
    router,
    path="/milestones",
    selector=selectors.milestone_list,
    schema_in=MilestoneIn,
    schema_patch=MilestonePatch,
    schema_out=MilestoneOut,
    create=lambda *, park, actor, **fields: services.milestone_create(actor=actor, **fields),
    update=lambda obj, *, actor, **fields: services.milestone_update(
        milestone=obj, actor=actor, **fields
    ),
    resolve=_milestone_fields,
)


@router.post(
    "/milestones/{pk}/actual",
    response=MilestoneOut,
    operation_id="milestone_actual",
    url_name="milestone_actual",
)
def milestone_actual(request, pk: int, payload: ActualIn):
    milestone = get_scoped(Milestone, request, pk)
    document = None
    if payload.document_id is not None:
        document = resolve_related(
            request, ProjectDocument, payload.document_id, park=milestone.park, field="document_id"
        )
    return services.milestone_set_actual(
        milestone=milestone, actual_on=payload.actual_on, document=document, actor=request.auth
    )


@router.post(
    "/milestones/{pk}/verify",
    response=MilestoneOut,
    operation_id="milestone_verify",
    url_name="milestone_verify",
)
def milestone_verify(request, pk: int):
    milestone = get_scoped(Milestone, request, pk)
    return services.milestone_verify(milestone=milestone, actor=request.auth)


class MilestoneTemplateOut(Schema):
    id: int
    park_id: int
    name: str
    project_type: str
    items: list[dict]
    notes: str


add_read_routes(
    router,
    path="/milestone-templates",
    selector=selectors.milestone_template_list,
    schema=MilestoneTemplateOut,
)


class TrafficRuleOut(Schema):
    id: int
    park_id: int
    park_name: str

    @staticmethod
    def resolve_park_name(obj) -> str:
        return obj.park.name

    kind: str
    threshold: int
    colour: str
    enabled: bool


add_read_routes(
    router, path="/traffic-rules", selector=selectors.traffic_rule_list, schema=TrafficRuleOut
)


class MilestoneTemplateIn(Schema):
    name: str
    project_type: str = ""
    items: list[dict]
    notes: str = ""


class MilestoneTemplatePatch(Schema):
    name: str | None = None
    project_type: str | None = None
    items: list[dict] | None = None
    notes: str | None = None


add_write_routes(
    router,
    path="/milestone-templates",
    selector=selectors.milestone_template_list,
    schema_in=MilestoneTemplateIn,
    schema_patch=MilestoneTemplatePatch,
    schema_out=MilestoneTemplateOut,
    create=services.milestone_template_create,
    update=lambda obj, *, actor, **fields: services.milestone_template_update(
        template=obj, actor=actor, **fields
    ),
)


class TrafficRuleIn(Schema):
    kind: TrafficRule.Kind
    threshold: int
    colour: str
    enabled: bool = True


class TrafficRulePatch(Schema):
    threshold: int | None = None
    colour: str | None = None
    enabled: bool | None = None


add_write_routes(
    router,
    path="/traffic-rules",
    selector=selectors.traffic_rule_list,
    schema_in=TrafficRuleIn,
    schema_patch=TrafficRulePatch,
    schema_out=TrafficRuleOut,
    create=services.traffic_rule_create,
    update=lambda obj, *, actor, **fields: services.traffic_rule_update(
        rule=obj, actor=actor, **fields
    ),
)


def _project_of(request, data: dict, park) -> dict:
    """A row of a project (investment, plan, listing): its ``project_id`` as the
    project, found only inside the user's scope and ``park``."""
    fields = dict(data)
    if "project_id" in fields:
        fields["project"] = resolve_related(
            request, Project, fields.pop("project_id"), park=park, field="project_id"
        )
    return fields


# ------------------------------------------------------------------ delivery
class EnteredStatisticsIn(Schema):
    on_date: datetime.date
    note: str = ""


@router.post(
    "/projects/{pk}/entered-statistics",
    response={201: ProjectEventOut},
    operation_id="project_entered_statistics",
    url_name="project_entered_statistics",
)
def project_entered_statistics(request, pk: int, payload: EnteredStatisticsIn):
    """Record the day the project entered the statistics (列统入规), once; a wrong
    date is corrected through ``/project-events/{pk}/correction``."""
    project = get_scoped(Project, request, pk)
    event = services.project_entered_statistics(
        project=project, on_date=payload.on_date, note=payload.note, actor=request.auth
    )
    return Status(201, event)


class ProjectRowOut(Schema):
    """A row that belongs to a project (investment, plan, listing), with its name."""

    id: int
    park_id: int
    project_id: int
    project_name: str

    @staticmethod
    def resolve_project_name(obj) -> str:
        return obj.project.name


class InvestmentEntryOut(ProjectRowOut):
    month: datetime.date
    amount: Decimal
    note: str


class InvestmentEntryIn(Schema):
    project_id: int
    month: str  # 2023-06 (or any day of the month)
    amount: Decimal
    note: str = ""


class InvestmentEntryPatch(Schema):
    month: str | None = None
    amount: Decimal | None = None
    note: str | None = None


add_read_routes(
    router,
    path="/investment-entries",
    selector=selectors.investment_entry_list,
    schema=InvestmentEntryOut,
)


add_write_routes(
    router,
    path="/investment-entries",
    selector=selectors.investment_entry_list,
    schema_in=InvestmentEntryIn,
    schema_patch=InvestmentEntryPatch,
    schema_out=InvestmentEntryOut,
    create=lambda *, park, actor, **fields: services.investment_entry_create(actor=actor, **fields),
    update=lambda obj, *, actor, **fields: services.investment_entry_update(
        entry=obj, actor=actor, **fields
    ),
    resolve=_project_of,
)


class AnnualPlanOut(ProjectRowOut):
    year: int
    amount: Decimal


class AnnualPlanIn(Schema):
    project_id: int
    year: int
    amount: Decimal


class AnnualPlanPatch(Schema):
    year: int | None = None
    amount: Decimal | None = None


add_read_routes(
    router, path="/annual-plans", selector=selectors.annual_plan_list, schema=AnnualPlanOut
)


add_write_routes(
    router,
    path="/annual-plans",
    selector=selectors.annual_plan_list,
    schema_in=AnnualPlanIn,
    schema_patch=AnnualPlanPatch,
    schema_out=AnnualPlanOut,
    create=lambda *, park, actor, **fields: services.annual_plan_create(actor=actor, **fields),
    update=lambda obj, *, actor, **fields: services.annual_plan_update(
        plan=obj, actor=actor, **fields
    ),
    resolve=_project_of,
)


class MajorListingOut(ProjectRowOut):
    year: int
    level: str


class MajorListingIn(Schema):
    project_id: int
    year: int
    level: MajorListing.Level


class MajorListingPatch(Schema):
    year: int | None = None
    level: MajorListing.Level | None = None


add_read_routes(
    router,
    path="/major-listings",
    selector=selectors.major_listing_list,
    schema=MajorListingOut,
)


add_write_routes(
    router,
    path="/major-listings",
    selector=selectors.major_listing_list,
    schema_in=MajorListingIn,
    schema_patch=MajorListingPatch,
    schema_out=MajorListingOut,
    create=lambda *, park, actor, **fields: services.major_listing_create(actor=actor, **fields),
    update=lambda obj, *, actor, **fields: services.major_listing_update(
        listing=obj, actor=actor, **fields
    ),
    resolve=_project_of,
)


# ------------------------------------------------------- stage changes (阶段变更)
# The register of the projects' stage changes; a change is made with
# POST /projects/{pk}/stage and its date corrected with
# POST /project-events/{pk}/correction.
class StageChangeOut(ProjectRowOut):
    from_stage: str
    to_stage: str
    on_date: datetime.date
    corrected_on: datetime.date | None  # the date as corrected, if it was
    recorded_by_id: int | None
    recorded_at: datetime.datetime
    note: str
    reason: str

    @staticmethod
    def resolve_corrected_on(obj) -> datetime.date | None:
        correction = selectors.latest_correction(obj)
        return correction.on_date if correction is not None else None


add_read_routes(
    router, path="/stage-changes", selector=selectors.stage_change_list, schema=StageChangeOut
)


# ------------------------------------------------------ the park's annual plan
class ParkInvestmentPlanOut(Schema):
    id: int
    park_id: int
    year: int
    amount: Decimal
    note: str


class ParkInvestmentPlanIn(Schema):
    year: int
    amount: Decimal
    note: str = ""


class ParkInvestmentPlanPatch(Schema):
    year: int | None = None
    amount: Decimal | None = None
    note: str | None = None


add_read_routes(
    router,
    path="/park-investment-plans",
    selector=selectors.park_investment_plan_list,
    schema=ParkInvestmentPlanOut,
)


add_write_routes(
    router,
    path="/park-investment-plans",
    selector=selectors.park_investment_plan_list,
    schema_in=ParkInvestmentPlanIn,
    schema_patch=ParkInvestmentPlanPatch,
    schema_out=ParkInvestmentPlanOut,
    create=services.park_investment_plan_create,
    update=lambda obj, *, actor, **fields: services.park_investment_plan_update(
        plan=obj, actor=actor, **fields
    ),
)
