"""The benchmark server's URLs: the project's, plus a hello-world page, the
ceiling every page is compared with (``parkops.bench.settings``; and
``manage.py bench_pages``, in process)."""

from django.http import HttpResponse
from django.urls import path

from parkops.urls import urlpatterns as project_urlpatterns


def hello(request):
    return HttpResponse(b"Hello, world", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello, name="bench_hello"), *project_urlpatterns]
