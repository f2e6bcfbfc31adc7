"""Continuums of Care, CES regions and counties: data, so that any CoC can run Sunflower."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

coc_code_validator = RegexValidator(
    r"^[A-Z]{2}-[0-9]{3}$", _("A CoC code is two capital letters, a dash and three digits.")
)


class ContinuumOfCare(models.Model):
    code = models.CharField(_("CoC code"), max_length=6, unique=True, validators=[coc_code_validator])
    name = models.CharField(_("name"), max_length=200)
    # Whether this deployment's HMIS Lead serves the CoC (KS-507, KS-505) or it is only a
    # neighbour that appears in geography (KS-502, KS-503, MO-604).
    served = models.BooleanField(_("served by this HMIS"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("Continuum of Care")
        verbose_name_plural = _("Continuums of Care")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Region(models.Model):
    """A CES region inside one CoC (the Kansas Balance of State has nine)."""

    coc = models.ForeignKey(ContinuumOfCare, on_delete=models.PROTECT, related_name="regions")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)
    # True while the region is the shipped placeholder grouping rather than the CoC's own.
    placeholder = models.BooleanField(_("placeholder"), default=False)

    class Meta:
        ordering = ["coc__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["coc", "number"], name="geo_region_unique_number"),
            models.UniqueConstraint(fields=["coc", "name"], name="geo_region_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.coc.code} {self.name}"


class County(models.Model):
    name = models.CharField(_("name"), max_length=100)
    fips5 = models.CharField(
        _("FIPS code"), max_length=5, unique=True, validators=[RegexValidator(r"^[0-9]{5}$")]
    )
    state_fips = models.CharField(_("state FIPS"), max_length=2)
    coc = models.ForeignKey(ContinuumOfCare, on_delete=models.PROTECT, related_name="counties")
    region = models.ForeignKey(
        Region, on_delete=models.SET_NULL, null=True, blank=True, related_name="counties"
    )
    centroid_lon = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    centroid_lat = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return f"{self.name} County"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.region_id and self.region.coc_id != self.coc_id:
            raise ValidationError(
                {"region": _("The region belongs to another CoC than the county.")}
            )
