{% macro figure_tolerance(comparison_code) %}
{#- Persons by which a figure may differ from the warehouse and still hold: half the press's rounding unit, or
    the stated margin. The same table as the generator's (reference_data.checks.TOLERANCE; a test keeps the two
    equal). -#}
case {{ comparison_code }}
    when 'rounded_100' then 50
    when 'rounded_100_at_least' then 50
    when 'rounded_1000' then 500
    when 'within_100' then 100
    else 0
end
{% endmacro %}
