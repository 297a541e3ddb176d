"""Writing spreadsheets: import templates, exports, and error reports."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from parkops.core.exchange import refs
from parkops.core.exchange.spec import BOOL, CHOICE, DATE, MONEY, REF, RegisterSpec
from parkops.core.exports import BOLD, append_row, new_workbook, put_cell, valid_sheet_title

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
KIND_HINTS = {
    DATE: "2023-06-30",
    MONEY: "元",
    BOOL: "是 / 否",
}


def _options(column, user, park) -> list[str]:
    if column.kind == CHOICE:
        return [str(label) for _value, label in column.choices.choices]
    if column.kind == BOOL:
        return ["是", "否"]
    if column.kind == REF and park is not None:
        return [refs.label(obj, column.ref_field) for obj in refs.records(column, user, park)]
    return []


def template_workbook(spec: RegisterSpec, *, user, park) -> bytes:
    """A template: data sheet with Chinese headers and an example row, drop-downs
    for enumerations (lists on a visible 选项 sheet), and an instructions sheet.
    Every cell, option lists included, is written by ``exports.write_cell``."""
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = valid_sheet_title(spec.title)
    options_sheet = workbook.create_sheet("选项")
    guide = workbook.create_sheet("填写说明")
    append_row(guide, [_("Column"), _("Required"), _("How to fill it in")], font=BOLD)
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["C"].width = 80

    option_column = 0
    examples = refs.template_examples(spec, user=user, park=park)
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        header = str(column.header)
        if column.kind == MONEY:
            header = f"{header}（{column.unit}）"
        cell = put_cell(sheet, 1, index, header, font=BOLD)
        cell.alignment = Alignment(horizontal="center")
        if column.required:
            cell.fill = REQUIRED_FILL
        put_cell(sheet, 2, index, examples[index - 1])
        sheet.column_dimensions[letter].width = column.width
        options = _options(column, user, park)
        if options:
            option_column += 1
            option_letter = get_column_letter(option_column)
            put_cell(options_sheet, 1, option_column, header, font=BOLD)
            for row, option in enumerate(options, start=2):
                put_cell(options_sheet, row, option_column, option)
            source = f"'选项'!${option_letter}$2:${option_letter}${len(options) + 1}"
            validation = DataValidation(
                type="list",
                formula1=source,
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle=_("Not in the list"),
                error=_("Choose a value from the list."),
            )
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}5000")
        hint = str(column.help or KIND_HINTS.get(column.kind, ""))
        append_row(guide, [header, _("yes") if column.required else _("no"), hint])
    append_row(guide, [])
    append_row(guide, [_("Row 2 is an example: replace it. Do not merge cells or hide sheets.")])
    append_row(
        guide,
        [
            _(
                "Columns marked yellow are required. Money is in yuan unless the header "
                "says 万元 or 亿元."
            )
        ],
    )
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_rows(spec: RegisterSpec, queryset, user):
    """Each row of ``queryset`` as ``spec``'s columns write it for ``user`` (what a
    column reads is ``spec.row_for(user)``'s, when the register masks for its reader)."""
    shown = spec.row_for(user) if spec.row_for is not None else None
    for obj in queryset.iterator(chunk_size=2000):
        row = shown(obj) if shown is not None else obj
        yield [column.export_value(row) for column in spec.columns]


def export_headers(spec: RegisterSpec) -> list[str]:
    return [
        f"{column.header}（{column.unit}）" if column.kind == MONEY else str(column.header)
        for column in spec.columns
    ]


def joined_messages(messages: list[str]) -> str:
    """A row's messages in one cell, each ended by one mark: "…有误；…有误。",
    not "…有误。；…有误。" (each message is a sentence with its own full stop)."""
    parts = [message.rstrip() for message in messages]
    return "；".join(
        [part.rstrip("。.；;") for part in parts[:-1] if part.rstrip("。.；;")] + parts[-1:]
    )


def error_workbook(outcome) -> bytes:
    """The uploaded sheet as read, with an 错误 column saying what is wrong in each
    row; the uploaded headers and cells are written as text (``exports.write_cell``)."""
    table = outcome.table
    by_row: dict[int, list[str]] = {}
    for problem in outcome.problems:
        place = f"{problem.column}列“{problem.header}”：" if problem.column else ""
        by_row.setdefault(problem.row, []).append(place + problem.message)
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = valid_sheet_title(table.sheet if table else "")
    headers = list(table.headers) if table else []
    append_row(sheet, [*headers, "错误"], font=BOLD)
    for row, cells in table.rows if table else []:
        append_row(sheet, [*cells, joined_messages(by_row.get(row, []))])
    sheet.column_dimensions[get_column_letter(len(headers) + 1)].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
