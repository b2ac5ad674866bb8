-- One grant's current row (the register file it came from included).
select * from mart_grants where grant_id = $grant_id
