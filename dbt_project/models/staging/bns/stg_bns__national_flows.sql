with source as (
    select * from {{ ref('bns_national_external_flows') }}
),

renamed as (
    -- The canonical columns in file order, as in every staging model of counts: they are unioned by position.
    select
        {%- for column in canonical_column_types() %}
        {{ column }},
        {%- endfor %}
        'bns_national_external_flows.csv' as source_file_name
    from source
)

select * from renamed
