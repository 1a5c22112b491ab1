{% test shares_sum_to_100_by(model, checks, tolerance=0.01) %}
{#- Several shares_sum_to_100 checks of one model in one test. checks: a list of {column, group_by, where}
    (where optional): within every group the shares (in percent) of the rows must add up to 100 within
    tolerance; groups whose shares are all empty (a zero total) pass. Returns one row per failing group,
    naming the check. -#}
{%- for check in checks %}
{{ 'union all' if not loop.first }}
select
    '{{ check.column }} by {{ check.group_by | join(", ") }}' as rule,
    count({{ check.column }}) as shares_present,
    sum({{ check.column }}) as shares_sum
from {{ model }}
{%- if check.where %}
where {{ check.where }}
{%- endif %}
group by {{ check.group_by | join(', ') }}
having count({{ check.column }}) > 0 and abs(sum({{ check.column }}) - 100) > {{ tolerance }}
{%- endfor %}
{% endtest %}
