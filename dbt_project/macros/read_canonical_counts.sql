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

{% macro canonical_cell_key() %}
{#- The columns that identify one published cell: every canonical column but the figure and its source. -#}
{{ return(['table_code', 'year', 'region_code', 'flow_code', 'direction_code', 'country_code', 'sex_code',
    'settlement_code', 'age_band_code', 'education_code', 'specialty_code']) }}
{% endmacro %}

{% macro staged_canonical_counts(source_name, table_name) %}
{#- A staging model of canonical counts: the canonical columns in file order (the layers are unioned by
    position) with their canonical types (a no-op for CSV read with fixed types; a Parquet file written
    elsewhere may hold wider or narrower ones), plus the file each row was read from. -#}
with source as (
    select * from {{ source(source_name, table_name) }}
),

renamed as (
    select
        {%- for column, data_type in canonical_column_types().items() %}
        cast({{ column }} as {{ data_type | lower }}) as {{ column }},
        {%- endfor %}
        parse_filename(filename) as source_file_name
    from source
)

select * from renamed
{% endmacro %}
