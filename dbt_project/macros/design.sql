{#- A list var of dbt_project.yml (e.g. control_region_codes) as a DuckDB list of text: ['31', '27']. -#}
{% macro text_list(values) -%}
    [{% for value in values %}'{{ value }}'{{ ", " if not loop.last }}{% endfor %}]
{%- endmacro %}
