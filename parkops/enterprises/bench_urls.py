"""The benchmark's URLs: the project's, plus a hello-world page (the baseline
every page is compared with), used only by ``manage.py bench_pages``."""

from django.http import HttpResponse
from django.urls import path

from parkops.urls import urlpatterns as project_urlpatterns


def hello(request):
    return HttpResponse(b"Hello, world", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello, name="bench_hello"), *project_urlpatterns]
