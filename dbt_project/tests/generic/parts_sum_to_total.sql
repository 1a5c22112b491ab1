{% test parts_sum_to_total(model, value_column, part_column, total_member, group_by, part_filter=none, tolerance=0) %}
-- For every group, the rows whose part_column is not total_member must add up to the row whose
-- part_column equals total_member, within tolerance. Fails with one row per group that does not.
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
    left join parts using ({{ group_by | join(', ') }})
)

select *
from compared
where abs(coalesce(parts_sum, 0) - total_value) > {{ tolerance }}
{% endtest %}
