{% macro canonical_column_types() %}
{#- Columns and DuckDB types of the canonical raw format (docs/canonical_format.md), in file order. -#}
{{ return({
    'table_code': 'VARCHAR', 'year': 'INTEGER', 'region_code': 'VARCHAR', 'flow_code': 'VARCHAR',
    'direction_code': 'VARCHAR', 'country_code': 'VARCHAR', 'sex_code': 'VARCHAR',
    'settlement_code': 'VARCHAR', 'age_band_code': 'VARCHAR', 'age_from': 'INTEGER', 'age_to': 'INTEGER',
    'education_code': 'VARCHAR', 'specialty_code': 'VARCHAR', 'persons': 'BIGINT', 'source_id': 'VARCHAR',
    'provenance': 'VARCHAR',
}) }}
{% endmacro %}

{% macro read_canonical_counts(directory=none) %}
{#- The regional count tables run to hundreds of thousands of rows, so they are read with DuckDB's CSV
    reader instead of being loaded as dbt seeds. Types are fixed (no sniffing), so a malformed file fails
    the build with DuckDB's message naming the file and line. -#}
{%- set directory = directory or env_var('KZ_COUNTS_DIR', 'data/reference/tables') -%}
read_csv(
    '{{ directory }}/*.csv*',
    header = true,
    auto_detect = false,
    strict_mode = true,
    filename = true,
    columns = {
    {%- for column, data_type in canonical_column_types().items() %}
        '{{ column }}': '{{ data_type }}'{{ ',' if not loop.last }}
    {%- endfor %}
    }
)
{% endmacro %}
