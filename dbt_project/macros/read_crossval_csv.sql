{% macro read_crossval_csv(file_name, columns) %}
{#- The cross-validation of the reconstruction (`make crossval`, data/reference/crossval/*.csv), read with
    fixed types as the ensemble's files are (read_ensemble_csv). KZ_CROSSVAL_DIR points elsewhere (a test
    writes a small one). -#}
{%- set directory = env_var('KZ_CROSSVAL_DIR', 'data/reference/crossval') -%}
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
