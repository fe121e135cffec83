from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = "Framework and courses"

    def ready(self) -> None:
        # Not domain flow: any saved or deleted catalogue row makes the cached public
        # pages out of date (page_cache.py), whoever wrote it.
        from .page_cache import row_changed

        for model in self.get_models():
            uid = f"catalogue-pages-{model._meta.model_name}"
            post_save.connect(row_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(row_changed, sender=model, dispatch_uid=uid)
