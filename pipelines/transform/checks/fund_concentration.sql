-- mart_fund_concentration: every municipality in every range, the Lorenz curve ends at (1, 1), Gini in 0..1
select year_from, year_to
from mart_fund_concentration
where municipalities <> (select count(*) from ref_municipalities)
    or gini < -1e-9 or gini > 1 + 1e-9
    or municipalities_with_grant + municipalities_without_grant <> municipalities
union all
select year_from, year_to
from mart_fund_lorenz
where position = (select count(*) from ref_municipalities)
    and (abs(population_share_cum - 1) > 1e-9 or abs(coalesce(granted_share_cum, 1) - 1) > 1e-9)
