{% test parts_sum_to_totals(model, checks, tolerance=0) %}
{#- Several parts_sum_to_total checks of one model in one test. checks: a list of {name, value_column,
    part_column, total_member, group_by, where}. For every group that has both a total row
    (part_column = total_member) and parts, the parts must add up to the total within tolerance. Returns one
    row per group that does not, naming the check. -#}
{%- for check in checks %}
{{ 'union all' if not loop.first }}
(
    with checked as (
        select * from {{ model }}
        {%- if check.where %}
        where {{ check.where }}
        {%- endif %}
    ),

    compared as (
        select
            {{ check.group_by | join(', ') }},
            sum({{ check.value_column }}) filter (where {{ check.part_column }} <> '{{ check.total_member }}') as parts_sum,
            count(*) filter (where {{ check.part_column }} <> '{{ check.total_member }}') as parts,
            count(*) filter (where {{ check.part_column }} = '{{ check.total_member }}') as totals,
            min({{ check.value_column }}) filter (where {{ check.part_column }} = '{{ check.total_member }}') as total_value
        from checked
        group by {{ check.group_by | join(', ') }}
    )

    select '{{ check.name }}' as rule, parts_sum, total_value
    from compared
    where parts > 0 and totals > 0 and abs(parts_sum - total_value) > {{ tolerance }}
)
{%- endfor %}
{% endtest %}
