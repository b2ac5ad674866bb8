-- The Lorenz curve of municipal grants over the population for a range of funding years.
select *
from mart_fund_lorenz
where year_from = $year_from and year_to = $year_to
order by position
