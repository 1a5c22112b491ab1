-- Where the figures in the warehouse come from, so that a report or a dashboard can say exactly what share
-- is official (ingested BNS downloads), bundled published figures, or the bundled reconstruction.
with counts as (
    select * from {{ ref('int_migration_counts_unioned') }}
),

summarised as (
    select
        table_code,
        source_id,
        layer_code,
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
        layer_code,
        provenance_kind,
        cast(cell_count as bigint) as cell_count,
        cast(round(100.0 * cell_count / sum(cell_count) over (partition by table_code), 3) as double)
            as share_of_table_cells_pct,
        cast(round(100.0 * cell_count / sum(cell_count) over (), 3) as double) as share_of_all_cells_pct,
        first_year,
        last_year,
        cast(region_count as integer) as region_count,
        example_file_name,
        layer_code = 'official' as is_official,
        provenance_kind = 'modeled' as is_modeled
    from summarised
)

select * from final
