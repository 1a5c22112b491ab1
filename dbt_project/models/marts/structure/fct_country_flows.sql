with country_counts as (
    select * from {{ ref('int_structure__country_counts') }}
),

countries as (
    select * from country_counts
    where country_code <> '_T'
),

measured as (
    select
        region_code,
        region_name_en,
        year,
        direction_code,
        country_code,
        country_name_en,
        group_code,
        is_baltic,
        is_aggregate,
        persons,
        {{ structure_country_shares('year') }},
        is_published
    from countries
),

final as (
    select
        region_code,
        region_name_en,
        year,
        direction_code,
        country_code,
        country_name_en,
        group_code,
        is_baltic,
        is_aggregate,
        cast(persons as bigint) as persons,
        share_of_all_pct,
        share_of_group_pct,
        share_of_non_cis_pct,
        rank_in_year,
        rank_in_group_in_year,
        is_published
    from measured
)

select * from final
