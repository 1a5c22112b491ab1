with group_counts as (
    select * from {{ ref('int_structure__country_group_counts') }}
),

measured as (
    {{ structure_group_shares('group_counts', 'year') }}
),

final as (
    select * exclude (group_order) from measured
)

select * from final
