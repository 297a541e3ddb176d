from django.db import models

from parkops.core.links import record_url
from parkops.core.scoping import ParkScopedModel


class Widget(ParkScopedModel):
    name = models.CharField("名称", max_length=50)

    class Meta:
        ordering = ["park", "name"]
        verbose_name = "样例物件"
        verbose_name_plural = "样例物件"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("sample:widget_detail", self.pk)
