from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "People and assessments"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from imhcf.middleware import mark_signed_in

        user_logged_in.connect(mark_signed_in, dispatch_uid="imhcf_mark_signed_in")
