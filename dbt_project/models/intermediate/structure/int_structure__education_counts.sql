-- External arrivals and departures of the working-age population by education level (table by_education),
-- one row per region × year × direction × education level including the `_T` total.
with counts as (
    select * from {{ ref('int_migration_counts_unioned') }}
),

regions as (
    select * from {{ ref('stg_reference__regions') }}
),

education_levels as (
    select * from {{ ref('stg_reference__education_levels') }}
),

education_rows as (
    {{ structure_count_rows('counts', 'by_education', 'education_code', age_band_code='WA') }}
),

final as (
    select
        education_rows.region_code,
        regions.region_name_en,
        education_rows.year,
        education_rows.direction_code,
        education_rows.education_code,
        education_levels.education_name_en,
        education_levels.education_order,
        education_levels.is_specialist,
        education_rows.persons,
        education_rows.is_published
    from education_rows
    inner join regions on education_rows.region_code = regions.region_code
    inner join education_levels on education_rows.education_code = education_levels.education_code
)

select * from final
