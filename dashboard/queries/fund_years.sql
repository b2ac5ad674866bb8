-- The funding years the Medel page can show: every year of the marts (reporting and funding).
select distinct year from mart_municipality_year order by year
