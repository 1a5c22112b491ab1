{% macro read_typed_csv(path, columns) %}
{#- A CSV the project writes itself, read with DuckDB's CSV reader and fixed types, so that a malformed file
    fails the build naming the file and line instead of being guessed at. -#}
read_csv(
    '{{ path }}',
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
