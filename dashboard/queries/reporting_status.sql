-- Every municipality's reporting status in one year (Datakvalitet), by name.
select *
from mart_reporting_status
where year = $year
order by municipality_name collate sv
