{% test row_count_between(model, min_rows, max_rows) %}
{#- Fails with the row count when a relation holds fewer than min_rows or more than max_rows rows. -#}
with counted as (
    select count(*) as row_count from {{ model }}
)

select row_count, {{ min_rows }} as min_rows, {{ max_rows }} as max_rows
from counted
where row_count < {{ min_rows }} or row_count > {{ max_rows }}
{% endtest %}
