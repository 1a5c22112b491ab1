{% macro readable_number(expression, decimals=0) %}
{#- A number as a reader writes it in arithmetic: thousands separated by commas, `decimals` digits after the
    point (none for counts), e.g. 6409 -> '6,409', 964.5 with decimals=1 -> '964.5'. -#}
{%- if decimals == 0 -%}
format('{:,}', cast(round({{ expression }}) as bigint))
{%- else -%}
format('{:,.{{ decimals }}f}', {{ expression }})
{%- endif -%}
{% endmacro %}
