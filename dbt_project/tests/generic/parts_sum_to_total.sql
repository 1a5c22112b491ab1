{% test parts_sum_to_total(model, value_column, part_column, total_member, group_by, part_filter=none, tolerance=0) %}
-- For every group that has both a total row (part_column = total_member) and parts, the parts must add
-- up to the total within tolerance. Fails with one row per group that does not. A table that prints
-- only totals for some group is not an error here.
with parts as (
    select
        {{ group_by | join(', ') }},
        sum({{ value_column }}) as parts_sum
    from {{ model }}
    where {{ part_column }} <> '{{ total_member }}'
    {%- if part_filter %} and ({{ part_filter }}){% endif %}
    group by {{ group_by | join(', ') }}
),

totals as (
    select
        {{ group_by | join(', ') }},
        {{ value_column }} as total_value
    from {{ model }}
    where {{ part_column }} = '{{ total_member }}'
),

compared as (
    select
        totals.*,
        parts.parts_sum
    from totals
    inner join parts using ({{ group_by | join(', ') }})
)

select *
from compared
where abs(parts_sum - total_value) > {{ tolerance }}
{% endtest %}
