-- One municipality's citizen promises in one year's current report.
select promise_id, title, focus_area, status, dialogue_methods, has_dialogue,
       start_date, end_date, followed_up, published
from mart_promises
where municipality_code = $code and year = $year
order by promise_id
