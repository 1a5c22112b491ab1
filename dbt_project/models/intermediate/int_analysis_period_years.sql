-- Each year of each period of the seed analysis_periods, so that a model reads a period's years from the seed
-- instead of writing its boundaries.
with periods as (
    select * from {{ ref('stg_reference__analysis_periods') }}
),

final as (
    select
        period_code,
        unnest(range(start_year, end_year + 1)) as year
    from periods
)

select * from final
