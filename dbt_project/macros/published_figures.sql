{% macro figure_tolerance(comparison_code) %}
{#- Persons by which a figure may differ from the warehouse and still hold: half the press's rounding unit, or
    the stated margin `within_<n>` (a count derived from a printed share carries the share's rounding in
    persons). The generator's table (reference_data.checks.TOLERANCE) agrees on every code it has (tested). -#}
case
    when {{ comparison_code }} in ('rounded_100', 'rounded_100_at_least') then 50
    when {{ comparison_code }} = 'rounded_1000' then 500
    when regexp_matches({{ comparison_code }}, '^within_[0-9]+$')
        then cast(regexp_extract({{ comparison_code }}, '[0-9]+$') as integer)
    else 0
end
{% endmacro %}
