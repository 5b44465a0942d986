from django.apps import AppConfig


class YjtrackerConfig(AppConfig):
    name = "yjtracker"
    verbose_name = "yjtracker"

    def ready(self):
        from yjtracker import audit  # noqa: F401  (connects the security log's receivers)
