"""Settings of the page benchmark's server: the project's (production ones
when ``PARKOPS_ENV=production``), with the benchmark's URLs, which add a
hello-world page. Only ``make bench`` starts a server with them; the project's
URLs never include the hello-world page."""

from parkops.settings import *  # noqa: F403

ROOT_URLCONF = "parkops.bench.urls"
