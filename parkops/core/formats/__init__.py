"""Date formats for every language (``FORMAT_MODULE_PATH``): dates read
2023-06-17 everywhere — tables, detail pages, ``{{ date }}`` and ``|date`` —
as Chinese office lists write them and as the date pickers and exports do.
Formats not set here fall back to Django's for the language."""
