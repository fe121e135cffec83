from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "People and assessments"

    def ready(self):
        from django.contrib.auth.signals import (
            user_logged_in,
            user_logged_out,
            user_login_failed,
        )

        from .api import schema  # noqa: F401 (how the API description says its credentials)
        from .security import audit, reauth
        from .security.middleware import mark_signed_in

        user_logged_in.connect(mark_signed_in, dispatch_uid="imhcf_mark_signed_in")
        user_logged_in.connect(audit.signed_in, dispatch_uid="imhcf_audit_signed_in")
        user_logged_out.connect(audit.signed_out, dispatch_uid="imhcf_audit_signed_out")
        user_login_failed.connect(audit.sign_in_failed, dispatch_uid="imhcf_audit_failed")
        reauth.connect()
        audit.connect()
