-- Where the figures in the warehouse come from, so that a report or a dashboard can say whether it shows
-- official figures or the bundled reconstruction.
with counts as (
    select * from {{ ref('int_migration_counts_unioned') }}
),

summarised as (
    select
        table_code,
        source_id,
        case
            when provenance like 'published:%' then 'published'
            when provenance like 'derived:%' then 'derived'
            else 'modeled'
        end as provenance_kind,
        count(*) as cell_count,
        min(year) as first_year,
        max(year) as last_year,
        count(distinct region_code) as region_count,
        any_value(source_file_name) as example_file_name
    from counts
    group by all
),

final as (
    select
        table_code,
        source_id,
        provenance_kind,
        cast(cell_count as bigint) as cell_count,
        first_year,
        last_year,
        cast(region_count as integer) as region_count,
        example_file_name,
        provenance_kind = 'modeled' as is_modeled
    from summarised
)

select * from final
