"""The shipped Kansas geography: 105 counties, their CoCs, nine placeholder BoS regions."""

from __future__ import annotations

import pytest

from sunflower.geo.loading import load_kansas_geography
from sunflower.geo.models import ContinuumOfCare, County, Region

pytestmark = [pytest.mark.foundation, pytest.mark.django_db]


def test_all_kansas_counties_with_their_coc():
    result = load_kansas_geography()
    assert result.counties == 105
    assert County.objects.filter(coc__code="KS-507").count() == 101
    assert County.objects.get(name="Johnson").coc.code == "KS-505"
    assert County.objects.get(name="Sedgwick").coc.code == "KS-502"
    assert County.objects.get(name="Shawnee").coc.code == "KS-503"
    # Wyandotte belongs to the bi-state Kansas City CoC, not to a Kansas one.
    assert County.objects.get(name="Wyandotte").coc.code == "MO-604"
    assert County.objects.get(fips5="20001").name == "Allen"
    assert set(ContinuumOfCare.objects.filter(served=True).values_list("code", flat=True)) == {
        "KS-505",
        "KS-507",
    }


def test_balance_of_state_has_nine_regions_covering_its_counties():
    load_kansas_geography()
    regions = Region.objects.filter(coc__code="KS-507")
    assert regions.count() == 9
    assert all(region.placeholder for region in regions)
    assert not County.objects.filter(coc__code="KS-507", region__isnull=True).exists()
    assert not County.objects.exclude(coc__code="KS-507").filter(region__isnull=False).exists()
    lat = County.objects.get(name="Douglas").centroid_lat
    assert 38.5 < float(lat) < 39.2


def test_reloading_keeps_an_administrators_region_edits():
    load_kansas_geography()
    region = Region.objects.get(coc__code="KS-507", number=1)
    region.name = "Northwest Kansas"
    region.placeholder = False
    region.save()
    county = County.objects.filter(coc__code="KS-507").exclude(region=region).first()
    county.region = region
    county.save()

    result = load_kansas_geography()

    assert result.counties == 105 and result.regions == 9
    region.refresh_from_db()
    county.refresh_from_db()
    assert region.name == "Northwest Kansas"
    assert county.region == region
