with group_counts as (
    select * from {{ ref('int_structure__country_group_counts') }}
),

measured as (
    {{ structure_group_shares('group_counts', 'year') }}
),

final as (
    select
        region_code,
        region_name_en,
        year,
        direction_code,
        group_code,
        group_name_en,
        parent_group_code,
        is_top_level,
        persons,
        share_of_all_pct,
        share_of_parent_group_pct,
        share_of_non_cis_pct,
        is_published
    from measured
)

select * from final
