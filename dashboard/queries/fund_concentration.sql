-- The concentration of municipal grants for each single year of a range and for the range.
select *
from mart_fund_concentration
where (year_from = year_to and year_from between $year_from and $year_to)
    or (year_from = $year_from and year_to = $year_to)
order by year_to - year_from, year_from
