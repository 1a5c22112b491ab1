{% macro readable_number(expression, decimals=0) %}
{#- A number as a reader writes it in arithmetic: thousands separated by commas, `decimals` digits after the
    point (none for counts), e.g. 6409 -> '6,409', 964.5 with decimals=1 -> '964.5'. -#}
{%- if decimals == 0 -%}
format('{:,}', cast(round({{ expression }}) as bigint))
{%- else -%}
format('{:,.{{ decimals }}f}', {{ expression }})
{%- endif -%}
{% endmacro %}

{% macro readable_months(months) %}
{#- A span of months `MM-MM` in words: '01-09' -> 'January-September'. -#}
strftime(make_date(2000, cast(split_part({{ months }}, '-', 1) as integer), 1), '%B') || '-'
|| strftime(make_date(2000, cast(split_part({{ months }}, '-', 2) as integer), 1), '%B')
{%- endmacro %}
