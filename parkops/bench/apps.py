from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark harness and its data generator (issue #16): commands and
    modules only, no models and no pages."""

    name = "parkops.bench"
    label = "bench"
    verbose_name = "benchmarks"
