{% macro generate_schema_name(custom_schema_name, node) -%}
{#- Use the layer's schema name as it is (`staging`, not dbt's default `main_staging`). -#}
{%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
