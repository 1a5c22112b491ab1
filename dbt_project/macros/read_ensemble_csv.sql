{% macro read_ensemble_csv(file_name, columns) %}
{#- The ensemble of reconstructions (`make ensemble`, data/reference/ensemble/*.csv), read with DuckDB's CSV
    reader with fixed types, so a malformed file fails the build naming the file and line. KZ_ENSEMBLE_DIR
    points elsewhere (a test writes a tiny ensemble). -#}
{%- set directory = env_var('KZ_ENSEMBLE_DIR', 'data/reference/ensemble') -%}
read_csv(
    '{{ directory }}/{{ file_name }}',
    header = true,
    auto_detect = false,
    strict_mode = true,
    columns = {
    {%- for column, data_type in columns.items() %}
        '{{ column }}': '{{ data_type }}'{{ ',' if not loop.last }}
    {%- endfor %}
    }
)
{% endmacro %}
