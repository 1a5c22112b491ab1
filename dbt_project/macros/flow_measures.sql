{% macro yoy_growth_pct(column, partition_by, order_by='year') %}
{#- Percent change on the previous year within the partition; null when the previous year is missing
    (not merely the previous row) or was zero. -#}
case
    when lag({{ order_by }}) over (partition by {{ partition_by }} order by {{ order_by }}) = {{ order_by }} - 1
     and lag({{ column }}) over (partition by {{ partition_by }} order by {{ order_by }}) <> 0
    then round(
        100.0 * ({{ column }} - lag({{ column }}) over (partition by {{ partition_by }} order by {{ order_by }}))
        / lag({{ column }}) over (partition by {{ partition_by }} order by {{ order_by }}),
        4)
end
{% endmacro %}

{% macro safe_ratio(numerator, denominator, digits=6) %}
{#- numerator / denominator, null (not an error or infinity) when the denominator is zero or null. -#}
case when {{ denominator }} <> 0 then round(1.0 * {{ numerator }} / {{ denominator }}, {{ digits }}) end
{% endmacro %}
