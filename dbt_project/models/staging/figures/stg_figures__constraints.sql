-- The bundled published figures, renamed. A table, not a view: the published warehouse must not depend on
-- the path of the CSV it was built from.
{{ config(materialized="table") }}

with source as (
    select * from {{ source('reference_figures', 'constraints') }}
),

renamed as (
    select
        constraint_id,
        source_id,
        region_code,
        year,
        months,
        population as population_code,
        direction_code,
        country_code,
        education_code,
        specialty_code,
        value as figure_value,
        comparison as comparison_code,
        use as use_code,
        note
    from source
)

select * from renamed
