"""The committed reference facts are complete and consistent."""

from pipelines import reference


def test_290_municipalities_in_21_counties_and_7_police_regions():
    m = reference.municipalities()
    assert m.height == 290
    assert m["municipality_code"].str.len_chars().unique().to_list() == [4]
    assert m["county_code"].n_unique() == 21
    assert sorted(m["police_region"].unique().to_list()) == sorted(reference.POLICE_REGIONS)


def test_county_population_is_the_sum_of_its_municipalities():
    m = (
        reference.municipalities()
        .group_by("county_code")
        .agg(pop=__import__("polars").col("population").sum())
    )
    c = reference.counties().join(m, on="county_code")
    assert c.height == 21
    assert (c["population"] == c["pop"]).all()
