{% test equal_across(model, value_column, compare_column, group_by) %}
-- Every group must show one single value of value_column across the members of compare_column
-- (e.g. the region-year total printed by each table must be the same). Fails with the disagreeing groups.
select
    {{ group_by | join(', ') }},
    count(distinct {{ compare_column }}) as members_compared,
    min({{ value_column }}) as smallest_value,
    max({{ value_column }}) as largest_value
from {{ model }}
group by {{ group_by | join(', ') }}
having min({{ value_column }}) <> max({{ value_column }})
{% endtest %}
