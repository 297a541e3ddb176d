"""Pages of the exchange framework: template, import with preview, commit, error
report, export of a list's current view, import batches and undo.

The workbook writers (``writers``, ``core.exports``) are imported by the views
that write a workbook: they load openpyxl (with numpy and lxml, about 20 MB a
process), which a process that never writes one does not need.
"""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parkops.core import generic, permissions
from parkops.core.exchange import jobs, services
from parkops.core.exchange.importer import run_import
from parkops.core.exchange.spec import get_spec
from parkops.core.models import ImportBatch, ImportJob
from parkops.core.selectors import import_batch_list
from parkops.core.text import today_cst


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.xlsx, .xls or .csv)"),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".xlsx,.xls,.csv"}
        ),
    )


def _spec(register):
    try:
        return get_spec(register)
    except KeyError as error:
        raise Http404 from error


def _download(data: bytes, filename: str) -> HttpResponse:
    from parkops.core.exports import XLSX

    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def template(request, register):
    from parkops.core.exchange import writers

    spec = _spec(register)
    if not permissions.can(request.user, spec.model, permissions.VIEW):
        permissions.deny()
    park = generic.active_park(request.user)
    data = writers.template_workbook(spec, user=request.user, park=park)
    return _download(data, f"{spec.title}-导入模板.xlsx")


@login_required
def export(request, register, fmt="xlsx"):
    """The list page's current view (same filters, same scope) as .xlsx or CSV."""
    return export_response(request, _spec(register), fmt=fmt)


def export_response(request, spec, *, fmt="xlsx"):
    """``spec``'s export of the rows its list page shows the request's user: the
    same selector, filters and park (``generic.list_rows``), as .xlsx or CSV,
    recorded in the audit trail. Registers with an address of their own (the
    audit log, users) export through here too."""
    from parkops.core.exchange import writers
    from parkops.core.exports import list_export

    # A role held without a park (accounts, the audit log) answers without
    # listing the parks.
    user = request.user
    if not (
        permissions.has_global(user, spec.model, permissions.VIEW)
        or permissions.can(user, spec.model, permissions.VIEW)
    ):
        permissions.deny()
    try:
        queryset = generic.list_rows(spec.selector, request, strict=True)
    except ValidationError as error:
        return _refused(request, spec, _bad_filters(spec, error))
    if spec.refuse_export is not None and (why := spec.refuse_export(request)) is not None:
        return _refused(request, spec, why)
    return list_export(
        fmt=fmt,
        actor=request.user,
        name=f"{spec.file_title or spec.title}-{today_cst():%Y%m%d}",
        sheet_title=str(spec.title),
        headers=writers.export_headers(spec),
        rows=writers.export_rows(spec, queryset, request.user),
        what=spec.model._meta.label_lower,
        filters={k: v for k, v in request.GET.items() if v},
        widths=[column.width for column in spec.columns],
        # Counted first: the audit entry is written before the first byte leaves.
        count=queryset.count(),
    )


def _bad_filters(spec, error: ValidationError) -> str:
    """Why an export of filters that do not validate is refused, naming each:
    the list page shows no rows and says why beside them, and an export of that
    would be an empty file saying nothing."""
    from django_filters.utils import label_for_filter

    filterset_class = spec.selector.filterset_class
    named = []
    for name, messages_ in error.message_dict.items():
        filter_ = filterset_class.base_filters.get(name)
        label = getattr(filter_, "label", None)
        if label is None and filter_ is not None:  # a filter of a model field, as its form says
            label = label_for_filter(
                filterset_class._meta.model, filter_.field_name, filter_.lookup_expr
            )
        label = label or name
        message = str(messages_[0]).rstrip("。.") if messages_ else ""
        named.append(message if name == NON_FIELD_ERRORS else f"{label}：{message}")
    return _("The filters are not valid (%(errors)s); nothing was exported.") % {
        "errors": "；".join(named)
    }


def _refused(request, spec, why: str):
    """An export refused (``why``): said, back on the register's list with the
    same filters (home, or the page the user came from, for a register with no
    list page)."""
    messages.error(request, why)
    list_name = generic.model_url_name(spec.model, "list") or generic.model_url_name(
        spec.model, "list", namespace="exchange"
    )
    if list_name is None:
        return redirect(generic.next_url(request, reverse("core:home")))
    return redirect(f"{reverse(list_name)}?{request.GET.urlencode()}")


@login_required
def import_upload(request, register):
    """Upload → preview: what would be created, updated, unchanged, and every error."""
    spec = _spec(register)
    park = generic.active_park(request.user)
    if not spec.importable:
        raise Http404
    if park is None or not permissions.can(request.user, spec.model, permissions.ADD, park):
        permissions.deny()
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"spec": spec, "form": form, "park": park}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        preview = services.import_preview(
            spec=spec, actor=request.user, park=park, data=upload.read(), file_name=upload.name
        )
        if preview.job is not None:
            return redirect(preview.job.get_absolute_url())
        context.update({"outcome": preview.outcome, "token": preview.token})
    return render(request, "exchange/import.html", context)


@require_POST
@login_required
def import_commit(request, register, token):
    spec = _spec(register)
    try:
        outcome = services.import_commit(token=token, actor=request.user, register=register)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("exchange:import", register=register)
    if outcome.batch is None:
        if outcome.left is None:  # else the page says what was left, and links it
            messages.error(request, _("The file has errors; nothing was imported."))
        return render(
            request,
            "exchange/import.html",
            {"spec": spec, "form": UploadForm(), "outcome": outcome, "token": token},
        )
    counts = {
        "created": outcome.count("create"),
        "updated": outcome.count("update"),
        "unchanged": outcome.count("unchanged"),
    }
    messages.success(
        request,
        _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.") % counts,
    )
    return redirect(outcome.batch.get_absolute_url())


@require_POST
@login_required
def import_cancel(request, register, token):
    services.upload_load(token=token, user=request.user, register=register)
    services.upload_discard(token)
    return redirect("exchange:import", register=register)


@login_required
def import_errors(request, register, token):
    """The uploaded sheet with a 错误 column, to fix and upload again."""
    from parkops.core.exchange import writers

    spec = _spec(register)
    data, meta = services.upload_load(token=token, user=request.user, register=register)
    park = generic.active_park(request.user)
    if park is None or park.pk != meta["park"]:
        permissions.deny()
    outcome = run_import(
        spec=spec, actor=request.user, park=park, data=data, file_name=meta["file"], commit=False
    )
    return _download(writers.error_workbook(outcome), f"错误-{meta['file'].rsplit('.', 1)[0]}.xlsx")


@login_required
def job_detail(request, pk):
    """A background import: its progress (polled by htmx) and then its result."""
    job = generic.get_scoped_or_404(ImportJob, request.user, pk)
    if job.actor_id != request.user.pk:
        raise Http404
    done, total = jobs.read_progress(job)
    context = {
        "job": job,
        "spec": _spec(job.register),
        "done": done,
        "total": total,
        "percent": int(done * 100 / total) if total else 0,
        "running": job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING),
    }
    template = "exchange/partials/job.html" if request.htmx else "exchange/job.html"
    return render(request, template, context)


@require_POST
@login_required
def job_commit(request, pk):
    """Commit what a background preview showed, in the background too."""
    preview = generic.get_scoped_or_404(ImportJob, request.user, pk)
    job = jobs.job_commit(preview=preview, actor=request.user)
    return redirect(job.get_absolute_url())


class BatchListView(generic.ObjectListView):
    selector = import_batch_list
    template_name = "exchange/batch_list.html"
    url_namespace = "exchange"
    exchange_key = "import-batches"

    def get_table_class(self):
        from parkops.core.tables import ImportBatchTable

        return ImportBatchTable


class BatchDetailView(generic.ObjectDetailView):
    model = ImportBatch
    template_name = "exchange/batch_detail.html"
    url_namespace = "exchange"
    select_related = ("actor", "park")

    def get_context_data(self, **kwargs):
        from parkops.core.selectors import import_batch_page

        context = super().get_context_data(**kwargs)
        page = import_batch_page(
            batch=self.object, user=self.request.user, page=self.request.GET.get("page")
        )
        context["rows_page"] = page
        context["items"] = page.items
        if page.num_pages > 1:
            query = self.request.GET.copy()
            links = {}
            for name, number in (("previous", page.number - 1), ("next", page.number + 1)):
                if 1 <= number <= page.num_pages:
                    query["page"] = number
                    links[name] = f"?{query.urlencode()}"
            context["rows_links"] = links
        context["undoable"] = services.undoable(self.object)
        return context


@require_POST
@login_required
def batch_undo(request, pk):
    batch = generic.get_scoped_or_404(ImportBatch, request.user, pk)
    try:
        batch, job = services.undo_request(batch=batch, actor=request.user)
        if job is not None:
            return redirect(job.get_absolute_url())
        messages.success(request, _("The import was undone."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(batch.get_absolute_url())
