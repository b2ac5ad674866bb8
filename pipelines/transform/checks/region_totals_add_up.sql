-- mart_region_year: the nation's municipalities and money equal the sum of its counties
select nation.year
from mart_region_year as nation
inner join (
    select year, sum(municipalities) as municipalities, sum(granted_sek) as granted_sek
    from mart_region_year where level = 'county' group by year
) as counties using (year)
where nation.level = 'nation'
    and (nation.municipalities <> counties.municipalities
        or abs(nation.granted_sek - counties.granted_sek) > 0.01)
